//! Build script: on Windows targets only, embeds the program's icon and its
//! version information in `apsdesk.exe`, so Explorer, the taskbar before the
//! window opens, the Start menu shortcut and "Properties → Details" show
//! apsdesk's own icon and version instead of a blank program. Other targets
//! get nothing from it (the .deb and the macOS bundle carry icon files).

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=assets/icons/apsdesk.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let icon = Path::new(&manifest).join("assets/icons/apsdesk.ico");
    let version = std::env::var("CARGO_PKG_VERSION").expect("cargo sets CARGO_PKG_VERSION");
    // VERSIONINFO wants four numbers; a pre-release suffix is dropped there
    // and kept in the text fields.
    let mut numbers: Vec<u16> = version
        .split(['.', '-', '+'])
        .take(3)
        .map(|part| part.parse().unwrap_or(0))
        .collect();
    numbers.resize(4, 0);
    let numeric = numbers
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(",");
    // The resource compiler reads backslashes as escapes: forward slashes
    // work for windres and rc.exe alike.
    let icon = icon.display().to_string().replace('\\', "/");
    let script = format!(
        r#"1 ICON "{icon}"
1 VERSIONINFO
FILEVERSION {numeric}
PRODUCTVERSION {numeric}
FILEOS 0x40004
FILETYPE 0x1
BEGIN
  BLOCK "StringFileInfo"
  BEGIN
    BLOCK "040904B0"
    BEGIN
      VALUE "CompanyName", "The apsdesk authors"
      VALUE "FileDescription", "apsdesk - back office for Amazon Payment Services"
      VALUE "FileVersion", "{version}"
      VALUE "InternalName", "apsdesk"
      VALUE "LegalCopyright", "2026 The apsdesk authors (MIT OR Apache-2.0)"
      VALUE "OriginalFilename", "apsdesk.exe"
      VALUE "ProductName", "apsdesk"
      VALUE "ProductVersion", "{version}"
    END
  END
  BLOCK "VarFileInfo"
  BEGIN
    VALUE "Translation", 0x409, 1200
  END
END
"#
    );
    let rc = Path::new(&out).join("apsdesk.rc");
    std::fs::write(&rc, script).expect("write the resource script");
    embed_resource::compile(&rc, embed_resource::NONE)
        .manifest_required()
        .expect("embed the icon and version resource (needs windres or rc.exe)");
}
