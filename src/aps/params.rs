//! The parameters of an APS message, kept exactly as they were sent or received.
//!
//! APS signs the raw key/value text of a message (reference §3), so this module
//! keeps what a typed struct would lose: the order keys arrived in, keys nobody
//! asked for, whitespace, and the exact text of numbers. [`Params`] is built from
//! a JSON body ([`Params::from_json`]), from a form-encoded notification
//! ([`Params::from_form`]), or by a request builder ([`Params::push`]).

use std::fmt;

/// One value: APS messages are flat string maps, except for the nested objects of
/// Apple Pay and airline data and the lists of the reporting API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Text(String),
    Object(Vec<(String, Value)>),
    List(Vec<Value>),
}

impl Value {
    /// The text of a plain value; `None` for an object or a list.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            Value::Object(_) | Value::List(_) => None,
        }
    }

    /// Writes the value as the signature string renders it: objects as
    /// `{k1=v1, k2=v2}` in transmitted order, lists as `[a, b]`.
    pub fn write_signed_form(&self, out: &mut String) {
        match self {
            Value::Text(text) => out.push_str(text),
            Value::Object(members) => {
                out.push('{');
                for (index, (name, value)) in members.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(name);
                    out.push('=');
                    value.write_signed_form(out);
                }
                out.push('}');
            }
            Value::List(items) => {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    item.write_signed_form(out);
                }
                out.push(']');
            }
        }
    }

    fn from_json(value: serde_json::Value) -> Value {
        match value {
            serde_json::Value::String(text) => Value::Text(text),
            // With serde_json's `arbitrary_precision`, a number keeps the exact
            // text it arrived with ("1000", "1.50", "1e3"), which is what was signed.
            serde_json::Value::Number(number) => Value::Text(number.to_string()),
            serde_json::Value::Bool(flag) => Value::Text(flag.to_string()),
            serde_json::Value::Null => Value::Text(String::new()),
            serde_json::Value::Array(items) => {
                Value::List(items.into_iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(members) => Value::Object(
                members
                    .into_iter()
                    .map(|(name, value)| (name, Value::from_json(value)))
                    .collect(),
            ),
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Text(text) => serde_json::Value::String(text.clone()),
            Value::Object(members) => serde_json::Value::Object(
                members
                    .iter()
                    .map(|(name, value)| (name.clone(), value.to_json()))
                    .collect(),
            ),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect())
            }
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        self.write_signed_form(&mut out);
        f.write_str(&out)
    }
}

/// The body could not be read as a JSON object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("the body is not valid JSON: {0}")]
    Json(String),
    #[error("the body is JSON but not an object")]
    NotAnObject,
    #[error("the key {0:?} appears twice")]
    DuplicateKey(String),
}

/// The parameters of one message, in the order they were transmitted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    entries: Vec<(String, Value)>,
}

impl Params {
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a JSON object, keeping key order, unknown keys and the raw text of
    /// numbers. A key that appears twice is refused: which of the two was signed
    /// would be a guess.
    pub fn from_json(body: &str) -> Result<Self, ParseError> {
        let value: serde_json::Value =
            serde_json::from_str(body).map_err(|err| ParseError::Json(err.to_string()))?;
        let serde_json::Value::Object(members) = value else {
            return Err(ParseError::NotAnObject);
        };
        // serde_json keeps the last of duplicate keys silently; count them first.
        let key_count = count_top_level_keys(body);
        if key_count.is_some_and(|count| count != members.len()) {
            let duplicate = find_duplicate_key(body).unwrap_or_default();
            return Err(ParseError::DuplicateKey(duplicate));
        }
        Ok(Self {
            entries: members
                .into_iter()
                .map(|(name, value)| (name, Value::from_json(value)))
                .collect(),
        })
    }

    /// Reads a form-encoded body (`a=1&b=2`), decoding `+` and `%XX` as browsers
    /// encode them. Values are kept as decoded, HTML entities included: APS signs
    /// `&#39;` as those five characters.
    /// Nothing is trimmed: the go-live checklist asks for signatures computed
    /// "without trimming any trailing spaces", and a raw space or newline at
    /// the end belongs to the last value. A caller reading a file drops its
    /// final newline first ([`drop_final_newline`]).
    pub fn from_form(body: &str) -> Self {
        Self {
            entries: form_urlencoded::parse(body.as_bytes())
                .map(|(name, value)| (name.into_owned(), Value::Text(value.into_owned())))
                .collect(),
        }
    }

    /// Appends a text parameter. Used by request builders, which never push an
    /// empty value (see [`Params::push_opt`]).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.entries.push((name.into(), Value::Text(value.into())));
    }

    /// Appends a parameter only if it has a non-empty value: APS must never
    /// receive a parameter with an empty value.
    pub fn push_opt(&mut self, name: &str, value: Option<impl Into<String>>) {
        if let Some(value) = value {
            let value = value.into();
            if !value.is_empty() {
                self.push(name, value);
            }
        }
    }

    /// Appends any value (nested objects and lists included).
    pub fn push_value(&mut self, name: impl Into<String>, value: Value) {
        self.entries.push((name.into(), value));
    }

    /// Sets a text parameter, replacing an earlier value in place.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = Value::Text(value.into());
        match self.entries.iter_mut().find(|(key, _)| key == name) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((name.to_owned(), value)),
        }
    }

    /// Removes a parameter, returning its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let index = self.entries.iter().position(|(key, _)| key == name)?;
        Some(self.entries.remove(index).1)
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.entries
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The text of a plain parameter.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_text)
    }

    /// The text of a plain parameter, `None` if absent or empty.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.text(name).filter(|text| !text.is_empty())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.entries
            .iter()
            .map(|(name, value)| (name.as_str(), value))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The names of parameters whose value is empty text.
    pub fn empty_names(&self) -> Vec<&str> {
        self.entries
            .iter()
            .filter(|(_, value)| value.as_text() == Some(""))
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// The JSON object to transmit, in this order.
    pub fn to_json(&self) -> String {
        let object: serde_json::Map<String, serde_json::Value> = self
            .entries
            .iter()
            .map(|(name, value)| (name.clone(), value.to_json()))
            .collect();
        serde_json::Value::Object(object).to_string()
    }

    /// The same JSON, indented for people.
    pub fn to_json_pretty(&self) -> String {
        let object: serde_json::Map<String, serde_json::Value> = self
            .entries
            .iter()
            .map(|(name, value)| (name.clone(), value.to_json()))
            .collect();
        serde_json::to_string_pretty(&serde_json::Value::Object(object))
            .unwrap_or_else(|_| self.to_json())
    }
}

impl<'a> IntoIterator for &'a Params {
    type Item = (&'a str, &'a Value);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a Value)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Params {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        Self {
            entries: iter
                .into_iter()
                .map(|(name, value)| (name.into(), Value::Text(value.into())))
                .collect(),
        }
    }
}

/// Counts the keys of the top-level object by walking the JSON text, so that
/// duplicates (which serde_json merges) can be detected. `None` if the text is
/// not the shape expected (the serde_json parse already decided validity).
/// The text of a message file without its final newline (`\n` or `\r\n`),
/// the one an editor or `echo` adds. Only that one is dropped: a second
/// newline, or a space before it, is part of the message and is signed.
pub fn drop_final_newline(text: &str) -> &str {
    text.strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text)
}

fn count_top_level_keys(body: &str) -> Option<usize> {
    Some(top_level_keys(body)?.len())
}

fn find_duplicate_key(body: &str) -> Option<String> {
    let keys = top_level_keys(body)?;
    let mut seen = std::collections::HashSet::new();
    keys.into_iter().find(|key| !seen.insert(key.clone()))
}

/// The decoded keys of the top-level JSON object, in order.
fn top_level_keys(body: &str) -> Option<Vec<String>> {
    let bytes = body.as_bytes();
    let mut keys = Vec::new();
    let mut depth = 0usize;
    let mut index = 0usize;
    let mut expecting_key = false;
    while index < bytes.len() {
        match bytes[index] {
            b'{' => {
                depth += 1;
                expecting_key = depth == 1;
            }
            b'[' => depth += 1,
            b'}' | b']' => depth = depth.checked_sub(1)?,
            b',' if depth == 1 => expecting_key = true,
            b'"' => {
                let start = index;
                index += 1;
                while index < bytes.len() && bytes[index] != b'"' {
                    if bytes[index] == b'\\' {
                        index += 1;
                    }
                    index += 1;
                }
                if depth == 1 && expecting_key {
                    let literal = body.get(start..=index)?;
                    keys.push(serde_json::from_str::<String>(literal).ok()?);
                    expecting_key = false;
                }
            }
            _ => {}
        }
        index += 1;
    }
    Some(keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_order_unknown_keys_whitespace_and_number_text() {
        let params = Params::from_json(
            r#"{"zeta":"\tpadded ","amount":1000,"rate":1.50,"flag":true,"alpha":"a"}"#,
        )
        .expect("valid");
        let names: Vec<&str> = params.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["zeta", "amount", "rate", "flag", "alpha"]);
        assert_eq!(params.text("zeta"), Some("\tpadded "));
        assert_eq!(params.text("amount"), Some("1000"));
        assert_eq!(params.text("rate"), Some("1.50"));
        assert_eq!(params.text("flag"), Some("true"));
    }

    #[test]
    fn nested_values_render_in_transmitted_order() {
        let params = Params::from_json(
            r#"{"apple_header":{"z":"1","a":"","m":"x"},"list":["a","b"],"objs":[{"k":"v","j":"w"},{"k":"2"}]}"#,
        )
        .expect("valid");
        assert_eq!(
            params.get("apple_header").expect("present").to_string(),
            "{z=1, a=, m=x}"
        );
        assert_eq!(params.get("list").expect("present").to_string(), "[a, b]");
        assert_eq!(
            params.get("objs").expect("present").to_string(),
            "[{k=v, j=w}, {k=2}]"
        );
    }

    #[test]
    fn duplicate_keys_and_non_objects_are_refused() {
        assert_eq!(
            Params::from_json(r#"{"a":"1","b":{"a":"x"},"a":"2"}"#),
            Err(ParseError::DuplicateKey("a".into()))
        );
        assert_eq!(Params::from_json(r#"["a"]"#), Err(ParseError::NotAnObject));
        assert!(matches!(
            Params::from_json("{nope"),
            Err(ParseError::Json(_))
        ));
        // Nested duplicates of a top-level name are not duplicates.
        assert!(Params::from_json(r#"{"a":"1","b":{"a":"x"}}"#).is_ok());
    }

    #[test]
    fn form_bodies_are_decoded_but_entities_kept() {
        let params = Params::from_form("customer_name=O%26%2339%3BBrien+Ali&amount=100&note=%09x");
        assert_eq!(params.text("customer_name"), Some("O&#39;Brien Ali"));
        assert_eq!(params.text("note"), Some("\tx"));
    }

    #[test]
    fn push_opt_never_adds_an_empty_value() {
        let mut params = Params::new();
        params.push_opt("a", Some(""));
        params.push_opt("b", None::<String>);
        params.push_opt("c", Some("x"));
        assert_eq!(params.len(), 1);
        assert_eq!(params.text("c"), Some("x"));
    }

    #[test]
    fn json_round_trip_keeps_order() {
        let params: Params = [("b", "2"), ("a", "1")].into_iter().collect();
        assert_eq!(params.to_json(), r#"{"b":"2","a":"1"}"#);
        assert_eq!(Params::from_json(&params.to_json()).expect("valid"), params);
    }
}
