; Atelier's Windows installer (NSIS 3, built by `make windows`).
;
; A per-user installation: no administrator rights (most dealers cannot
; elevate). The program goes to %LOCALAPPDATA%\Programs\Atelier, a
; Start-menu entry to the user's own Start menu, and the uninstaller is
; registered under HKCU. The user's library (designs, customers, orders,
; backups, settings) lives in %APPDATA%\fyne\app.atelier.designer and is
; never touched by the installer or the uninstaller.
;
; Silent install and uninstall for IT departments: Atelier-<version>-setup.exe /S
; and "%LOCALAPPDATA%\Programs\Atelier\uninstall.exe" /S. A folder of one's
; own: /D=C:\path (last on the command line, no quotes).
;
; makensis -DVERSION=0.1.0 -DSRC=<folder with Atelier.exe and atelierctl.exe> -DOUT=<setup.exe> atelier.nsi

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
ManifestDPIAware true

!ifndef VERSION
  !error "VERSION is not set (makensis -DVERSION=…)"
!endif
!ifndef SRC
  !error "SRC is not set (makensis -DSRC=…)"
!endif
!ifndef OUT
  !define OUT "Atelier-${VERSION}-setup.exe"
!endif

!define NAME "Atelier"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\app.atelier.designer"

Name "${NAME} ${VERSION}"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\${NAME}"
InstallDirRegKey HKCU "Software\${NAME}" "InstallDir"
BrandingText "${NAME} ${VERSION}"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "${SRC}\Atelier.ico"
!define MUI_UNICON "${SRC}\Atelier.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "This installs ${NAME} ${VERSION} for you alone: no administrator rights are needed.$\r$\n$\r$\nYour design library (designs, customers, orders and backups) is kept in your own folder, %APPDATA%\fyne\app.atelier.designer. Installing, updating or uninstalling ${NAME} never changes or removes it."
!define MUI_FINISHPAGE_RUN "$INSTDIR\Atelier.exe"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_WELCOMEPAGE_TEXT "This removes the ${NAME} program from this computer.$\r$\n$\r$\nYour design library stays where it is (%APPDATA%\fyne\app.atelier.designer): designs, customers, orders and backups are not removed. Delete that folder yourself if you want them gone."
!insertmacro MUI_UNPAGE_WELCOME
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "German"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductName" "${NAME}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileDescription" "${NAME} installer"
VIAddVersionKey /LANG=${LANG_ENGLISH} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_ENGLISH} "LegalCopyright" "Atelier"

Section "Atelier" SecMain
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${SRC}\Atelier.exe"
  File "${SRC}\atelierctl.exe"
  File "${SRC}\Atelier.ico"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  SetShellVarContext current
  CreateShortCut "$SMPROGRAMS\${NAME}.lnk" "$INSTDIR\Atelier.exe" "" "$INSTDIR\Atelier.ico" 0

  WriteRegStr HKCU "Software\${NAME}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${NAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "Atelier"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\Atelier.ico"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  ; The program only: the library in %APPDATA% stays.
  Delete "$INSTDIR\Atelier.exe"
  Delete "$INSTDIR\atelierctl.exe"
  Delete "$INSTDIR\Atelier.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${NAME}.lnk"
  DeleteRegKey HKCU "${UNINSTKEY}"
  DeleteRegKey HKCU "Software\${NAME}"
SectionEnd
