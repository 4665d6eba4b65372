@echo off
rem The `labdesk` command of an installed Labdesk on Windows: runs the CLI inside the app's asar
rem with the app's own Electron binary acting as plain Node (ELECTRON_RUN_AS_NODE; the installer
rem keeps the runAsNode fuse on for this, see the README). It sits in <install dir>\resources\bin\.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\Labdesk.exe" "%~dp0..\app.asar\out\cli\labdesk.js" %*
