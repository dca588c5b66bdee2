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

/// The lines of `source` that pass a string literal to a widget.
fn offences(source: &str) -> Vec<String> {
    // Tests at the bottom of a file may use literals.
    let code = source.split("#[cfg(test)]").next().unwrap_or_default();
    let mut found = Vec::new();
    for (number, line) in code.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        for call in WIDGET_CALLS {
            if let Some(position) = line.find(call) {
                let literal = &line[position + call.len() - 1..];
                if !ALLOWED.iter().any(|allowed| literal.starts_with(allowed)) {
                    found.push(format!("{}: {trimmed}", number + 1));
                }
            }
        }
        // A selectable label whose text is a literal.
        if line.contains("selectable_label(")
            && line.contains(", \"")
            && !ALLOWED.iter().any(|allowed| line.contains(allowed))
        {
            found.push(format!("{}: {trimmed}", number + 1));
        }
    }
    found
}

#[test]
fn the_lint_sees_literals_and_lets_translations_pass() {
    let bad = "ui.label(\"Refund\");\nif ui.button(\"Send\").clicked() {}\nui.selectable_label(on, \"Dark\");";
    assert_eq!(offences(bad).len(), 3);
    let good = "ui.label(tr.text(\"refund\"));\nui.selectable_label(on, \"English\");\n// ui.label(\"old\")";
    assert!(offences(good).is_empty());
}

#[test]
fn ui_code_takes_its_words_from_fluent() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut all = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src/app") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|extension| extension != "rs") {
            continue;
        }
        files += 1;
        let source = std::fs::read_to_string(&path).expect("read");
        all.extend(
            offences(&source)
                .into_iter()
                .map(|line| format!("{}:{line}", path.display())),
        );
    }
    assert!(files >= 10, "the app's sources were read");
    assert!(all.is_empty(), "untranslated UI text:\n{}", all.join("\n"));
}
