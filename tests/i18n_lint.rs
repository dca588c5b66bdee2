//! No text in the app's UI code bypasses the Fluent files: widget calls never
//! take a string literal, except the two language names, each shown in its
//! own language on purpose.

use std::path::Path;

const WIDGET_CALLS: [&str; 7] = [
    "label(\"",
    "button(\"",
    "heading(\"",
    "hint_text(\"",
    "Window::new(\"",
    "small_button(\"",
    "colored_label(\"",
];
const ALLOWED: [&str; 2] = ["\"English\"", "\"العربية\""];

#[test]
fn ui_code_takes_its_words_from_fluent() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut offences = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src/app") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|extension| extension != "rs") {
            continue;
        }
        files += 1;
        let source = std::fs::read_to_string(&path).expect("read");
        // Tests at the bottom of a file may use literals.
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        for (number, line) in code.lines().enumerate() {
            let trimmed = line.trim_start();
            if trimmed.starts_with("//") {
                continue;
            }
            for call in WIDGET_CALLS {
                if let Some(position) = line.find(call) {
                    let literal = &line[position + call.len() - 1..];
                    if !ALLOWED.iter().any(|allowed| literal.starts_with(allowed)) {
                        offences.push(format!("{}:{}: {}", path.display(), number + 1, trimmed));
                    }
                }
            }
            // A selectable label whose text is a literal.
            if line.contains("selectable_label(") && line.contains(", \"") {
                let allowed = ALLOWED.iter().any(|allowed| line.contains(allowed));
                if !allowed {
                    offences.push(format!("{}:{}: {}", path.display(), number + 1, trimmed));
                }
            }
        }
    }
    assert!(files >= 6, "the app's sources were read");
    assert!(
        offences.is_empty(),
        "untranslated UI text:\n{}",
        offences.join("\n")
    );
}
