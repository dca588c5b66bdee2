//! The UI's words, from the Fluent files in `i18n/en` and `i18n/ar`.
//!
//! Every string the operator reads goes through [`Tr::text`] or
//! [`Tr::args`]. A missing id shows the id itself (and logs it) rather than
//! panicking: a forgotten translation must not take the back office down.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::aps::Language;

/// The Fluent sources, compiled in.
pub const SOURCES: [(Language, &str); 2] = [
    (Language::En, include_str!("../../i18n/en/app.ftl")),
    (Language::Ar, include_str!("../../i18n/ar/app.ftl")),
];

/// The bundles of both languages, and which one is in use.
pub struct Tr {
    language: Language,
    english: FluentBundle<FluentResource>,
    arabic: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Tr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Tr({})", self.language)
    }
}

fn bundle(language: Language, source: &str) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = language.as_str().parse().unwrap_or_default();
    let mut bundle = FluentBundle::new(vec![id]);
    // No Unicode isolation marks: egui would draw them as boxes, and the
    // bidi helper orders mixed text itself.
    bundle.set_use_isolating(false);
    let resource =
        FluentResource::try_new(source.to_owned()).unwrap_or_else(|(resource, errors)| {
            tracing::error!("{language} translations have errors: {errors:?}");
            resource
        });
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!("{language} translations: {errors:?}");
    }
    bundle
}

impl Tr {
    pub fn new(language: Language) -> Tr {
        Tr {
            language,
            english: bundle(Language::En, SOURCES[0].1),
            arabic: bundle(Language::Ar, SOURCES[1].1),
        }
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn set_language(&mut self, language: Language) {
        self.language = language;
    }

    pub fn is_rtl(&self) -> bool {
        self.language == Language::Ar
    }

    fn current(&self) -> &FluentBundle<FluentResource> {
        match self.language {
            Language::En => &self.english,
            Language::Ar => &self.arabic,
        }
    }

    /// The message `id`.
    pub fn text(&self, id: &str) -> String {
        self.format(id, None)
    }

    /// The message `id` with arguments (`$name` in the Fluent file).
    pub fn args(&self, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        self.format(id, Some(&fluent_args))
    }

    fn format(&self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = self.current();
        let Some(pattern) = bundle.get_message(id).and_then(|message| message.value()) else {
            tracing::warn!("missing translation {id} ({})", self.language);
            return id.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!("translation {id}: {errors:?}");
        }
        text.into_owned()
    }
}

/// The message ids of a Fluent source, sorted (for the same-keys test).
pub fn message_ids(source: &str) -> Vec<String> {
    let mut ids: Vec<String> = source
        .lines()
        .filter(|line| !line.starts_with([' ', '#', '*', '[']) && line.contains(" ="))
        .filter_map(|line| line.split(" =").next())
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    ids.sort();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_messages() {
        let english = message_ids(SOURCES[0].1);
        let arabic = message_ids(SOURCES[1].1);
        assert!(english.len() > 50);
        assert_eq!(english, arabic);
    }

    #[test]
    fn arabic_plurals_use_their_categories() {
        let tr = Tr::new(Language::Ar);
        assert_eq!(tr.args("orders-count", &[("count", 0.into())]), "لا طلبات");
        assert_eq!(tr.args("orders-count", &[("count", 2.into())]), "طلبان");
        assert_eq!(tr.args("orders-count", &[("count", 5.into())]), "5 طلبات");
        assert_eq!(tr.args("orders-count", &[("count", 11.into())]), "11 طلباً");
        assert_eq!(tr.args("orders-count", &[("count", 100.into())]), "100 طلب");
        let english = Tr::new(Language::En);
        assert_eq!(
            english.args("orders-count", &[("count", 1.into())]),
            "1 order"
        );
        assert_eq!(english.text("no-such-id"), "no-such-id");
    }
}
