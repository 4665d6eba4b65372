#!/bin/bash
# deb post-remove (electron-builder's `deb.afterRemove`): the links linux-after-install.sh made.
rm -f '/usr/bin/${executable}' '/usr/bin/labdesk'
