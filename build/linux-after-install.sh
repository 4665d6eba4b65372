#!/bin/bash
# deb post-install (electron-builder's `deb.afterInstall`): what its default script does for the
# app (the /usr/bin link to the app binary, chrome-sandbox's setuid bit), plus /usr/bin/labdesk
# for the command line. Template fields (${...}) are filled in by electron-builder.
ln -sf '/opt/${sanitizedProductName}/${executable}' '/usr/bin/${executable}'
ln -sf '/opt/${sanitizedProductName}/resources/bin/labdesk' '/usr/bin/labdesk'
chmod 4755 '/opt/${sanitizedProductName}/chrome-sandbox' || true
if hash update-mime-database 2>/dev/null; then update-mime-database /usr/share/mime || true; fi
if hash update-desktop-database 2>/dev/null; then update-desktop-database /usr/share/applications || true; fi
