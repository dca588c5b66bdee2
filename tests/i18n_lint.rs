//! No text in the app's UI code bypasses the Fluent files: widget calls never
//! take a string literal, except the two language names, each shown in its
//! own language on purpose; and no English reaches the screen the other
//! way, through `format!` or a literal turned into a `String`
//! (`.to_owned()`, `.to_string()`, `.into()`). Text that is never shown (log
//! lines, file contents, Fluent ids) is marked `// i18n-lint: not shown`
//! on its line or the line before, so every exception is visible in review.

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

/// The marker of text that never reaches the screen.
const NOT_SHOWN: &str = "i18n-lint: not shown";

/// Whether `text` holds an English word: two ASCII letters in a row.
fn has_word(text: &str) -> bool {
    text.as_bytes()
        .windows(2)
        .any(|pair| pair[0].is_ascii_alphabetic() && pair[1].is_ascii_alphabetic())
}

/// A `format!` template without its `{…}` placeholders (`{{` kept out too).
fn without_placeholders(template: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in template.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The string literal that starts at `text` (after any whitespace), if one does.
fn literal_at(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let body = text.strip_prefix('"')?;
    let mut escaped = false;
    for (index, c) in body.char_indices() {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return Some(&body[..index]),
            _ => escaped = false,
        }
    }
    None
}

/// A Fluent id built from parts (`state-{state}`): not text for people.
fn is_fluent_id_pattern(template: &str) -> bool {
    let fixed = without_placeholders(template);
    !fixed.is_empty()
        && template.contains('{')
        && fixed
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// English built in code: `format!` templates with words, and literals with
/// words and a space turned into a `String`, unless marked as never shown.
fn built_text_offences(code: &str) -> Vec<String> {
    let lines: Vec<&str> = code.lines().collect();
    let marked = |number: usize| {
        lines[number].contains(NOT_SHOWN) || (number > 0 && lines[number - 1].contains(NOT_SHOWN))
    };
    let mut found = Vec::new();
    for (number, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") || marked(number) {
            continue;
        }
        // `format!(` with its template on this line or the next.
        for (position, _) in line.match_indices("format!(") {
            let rest = &line[position + "format!(".len()..];
            let template = if rest.trim().is_empty() {
                lines.get(number + 1).and_then(|next| literal_at(next))
            } else {
                literal_at(rest)
            };
            if let Some(template) = template
                && has_word(&without_placeholders(template))
                && !is_fluent_id_pattern(template)
            {
                found.push(format!("{}: {trimmed}", number + 1));
            }
        }
        // `"some words".to_owned()` and the like.
        for conversion in ["\".to_owned()", "\".to_string()", "\".into()"] {
            for (end, _) in line.match_indices(conversion) {
                let start = line[..end].rfind('"');
                if let Some(start) = start {
                    let literal = &line[start + 1..end];
                    if literal.contains(' ') && has_word(literal) {
                        found.push(format!("{}: {trimmed}", number + 1));
                    }
                }
            }
        }
    }
    // A library error's English turned into text: kept only as the detail
    // of a typed error (for the log), logged, or marked.
    for (number, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("//") || marked(number) {
            continue;
        }
        let error_text = ["error.to_string()", "{error}", "{error:#}", "{error:?}"]
            .iter()
            .any(|pattern| line.contains(pattern));
        let kept_for_the_log = ["TaskError::", "tracing::", "anyhow!(", "write!(f"]
            .iter()
            .any(|pattern| line.contains(pattern));
        if error_text && !kept_for_the_log {
            found.push(format!("{}: {}", number + 1, line.trim_start()));
        }
    }
    // Fallback words: `.map_or("not sent", …)`, `.unwrap_or("none")`.
    for (number, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("//") || marked(number) {
            continue;
        }
        for call in ["map_or(", "unwrap_or("] {
            for (position, _) in line.match_indices(call) {
                if let Some(literal) = literal_at(&line[position + call.len()..])
                    && has_word(literal)
                {
                    found.push(format!("{}: {}", number + 1, line.trim_start()));
                }
            }
        }
    }
    found
}

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
    found.extend(built_text_offences(code));
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
fn the_lint_sees_english_built_by_format_and_to_owned() {
    // Each of these reached the screen once: a toast, a skipped row, a
    // timeline line.
    let bad = [
        "self.toast(ctx, \"no data directory for the journal\".to_owned());",
        "let summary = format!(\"{} {}: {} {}\", a, b, c.map_or(\"not sent\", f), d);",
        "Skipped(format!(\"row {line}: not readable as CSV ({error})\"))",
        "let text = format!(\n    \"order {order_id} is gone\",\n    order_id\n);",
        "return Err(\"environment: sandbox or production\".to_string());",
        "Failed(\"not saved\".into())",
        "Params::from_json(input).map_err(|error| error.to_string())?",
        "&[(\"error\", error.to_string().into())]",
    ];
    for line in bad {
        assert!(!offences(line).is_empty(), "not seen: {line}");
    }
    let good = [
        "tr.text(&format!(\"state-{state}\"))",
        "format!(\"{code} {text}\")",
        "format!(\"{}T23:59:59+00:00\", expiry)",
        "\"KWD\".to_owned()",
        "// i18n-lint: not shown\nlet line = format!(\"could not read {path}\");",
        "tracing::warn!(\"x\"); let s = format!(\"the log only {x}\"); // i18n-lint: not shown",
        "Err(error) => TaskResult::Failed(TaskError::Journal(error.to_string())),",
    ];
    for line in good {
        assert!(
            offences(line).is_empty(),
            "flagged: {line}: {:?}",
            offences(line)
        );
    }
}

#[test]
fn ui_code_takes_its_words_from_fluent() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
    let mut all = Vec::new();
    let mut files = 0;
    let mut paths = Vec::new();
    let mut folders = vec![dir];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("src/app") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                paths.push(path);
            }
        }
    }
    for path in paths {
        files += 1;
        let source = std::fs::read_to_string(&path).expect("read");
        all.extend(
            offences(&source)
                .into_iter()
                .map(|line| format!("{}:{line}", path.display())),
        );
    }
    assert!(files >= 20, "the app's sources and its backend's were read");
    assert!(all.is_empty(), "untranslated UI text:\n{}", all.join("\n"));
}
