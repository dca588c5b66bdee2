; The Windows installer of apsdesk (NSIS 3, MUI2), built by
; packaging/windows/build-exe with Debian's makensis:
;   makensis -DVERSION=0.1.0 -DEXE=path/apsdesk.exe -DROOT=repo -DOUTFILE=setup.exe apsdesk.nsi
; Per-user: installs under %LOCALAPPDATA%\Programs\apsdesk without
; administrator rights (back-office PCs are often locked down), adds a Start
; menu shortcut and an entry in Settings > Apps. The journal, profiles and
; logs live in the user's AppData folders and are kept on uninstall.

; 64-bit installer for a 64-bit app (and so that it runs under wine64, which
; is what packaging/check-packages has).
Target amd64-unicode
!include "MUI2.nsh"

!ifndef VERSION
  !error "give -DVERSION=..."
!endif

Name "apsdesk ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\apsdesk"
InstallDirRegKey HKCU "Software\apsdesk" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
BrandingText "apsdesk ${VERSION}"

!define MUI_ICON "${ROOT}\assets\icons\apsdesk.ico"
!define MUI_UNICON "${ROOT}\assets\icons\apsdesk.ico"
!define MUI_FINISHPAGE_RUN "$INSTDIR\apsdesk.exe"

!insertmacro MUI_PAGE_LICENSE "${ROOT}\LICENSE-MIT"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"
!insertmacro MUI_LANGUAGE "Arabic"

!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\apsdesk"

Section "apsdesk"
  SetOutPath "$INSTDIR"
  File "/oname=apsdesk.exe" "${EXE}"
  File "/oname=apsdesk.ico" "${ROOT}\assets\icons\apsdesk.ico"
  File "/oname=LICENSE-MIT.txt" "${ROOT}\LICENSE-MIT"
  File "/oname=LICENSE-APACHE.txt" "${ROOT}\LICENSE-APACHE"
  File "/oname=OFL.txt" "${ROOT}\assets\fonts\OFL.txt"
  File "/oname=THIRD-PARTY-LICENSES.txt" "${ROOT}\packaging\generated\THIRD-PARTY-LICENSES-windows.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortCut "$SMPROGRAMS\apsdesk.lnk" "$INSTDIR\apsdesk.exe" "" "$INSTDIR\apsdesk.ico"

  WriteRegStr HKCU "Software\apsdesk" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "apsdesk"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The apsdesk authors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\apsdesk.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  ; Only what the installer put there: the user's journal and profiles
  ; (AppData\Roaming\apsdesk) stay, they are the merchant's records.
  Delete "$SMPROGRAMS\apsdesk.lnk"
  Delete "$INSTDIR\apsdesk.exe"
  Delete "$INSTDIR\apsdesk.ico"
  Delete "$INSTDIR\LICENSE-MIT.txt"
  Delete "$INSTDIR\LICENSE-APACHE.txt"
  Delete "$INSTDIR\OFL.txt"
  Delete "$INSTDIR\THIRD-PARTY-LICENSES.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\apsdesk"
SectionEnd
