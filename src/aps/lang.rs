//! The two languages APS answers in, and the one type that carries the choice.
//!
//! APS takes `language=en` or `language=ar` on every request and returns its
//! `response_message` in that language; apsdesk uses the same value to pick the
//! language of its own messages (validation errors, code texts).

use std::fmt;
use std::str::FromStr;

/// A language APS and apsdesk speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    #[default]
    En,
    Ar,
}

impl Language {
    /// The value of the `language` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Ar => "ar",
        }
    }

    /// Picks the English or the Arabic text.
    pub fn pick<'a>(self, en: &'a str, ar: &'a str) -> &'a str {
        match self {
            Language::En => en,
            Language::Ar => ar,
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is neither `en` nor `ar`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("language must be \"en\" or \"ar\"")]
pub struct UnknownLanguage;

impl FromStr for Language {
    type Err = UnknownLanguage;

    /// Accepts exactly `en` or `ar`, as APS does (no case folding: `EN` is refused by APS).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Language::En),
            "ar" => Ok(Language::Ar),
            _ => Err(UnknownLanguage),
        }
    }
}
