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
    // In Arabic every placeable (a number, an amount, a date, a reference)
    // is wrapped in Unicode's first-strong isolates: the bidi helper then
    // lays each out as one block in its own direction, so that "2 of 200"
    // never reads "002 من 002" and "393.870 KWD" stays whole, in every
    // sentence of every screen. The marks steer the layout and are never
    // drawn (`widgets::bidi_job` drops them). English needs none.
    bundle.set_use_isolating(language == Language::Ar);
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
        assert_eq!(
            tr.args("orders-count", &[("count", 5.into())]),
            "\u{2068}5\u{2069} طلبات"
        );
        assert_eq!(
            tr.args("orders-count", &[("count", 11.into())]),
            "\u{2068}11\u{2069} طلباً"
        );
        assert_eq!(
            tr.args("orders-count", &[("count", 100.into())]),
            "\u{2068}100\u{2069} طلب"
        );
        let english = Tr::new(Language::En);
        assert_eq!(
            english.args("orders-count", &[("count", 1.into())]),
            "1 order"
        );
        assert_eq!(english.text("no-such-id"), "no-such-id");
    }

    /// Issue 24, point 4: in an Arabic sentence the numbers keep their
    /// order — "2 of 200" laid out right to left reads 2 … 200 from the
    /// right, never "002 من 002" — because every placeable is an isolate.
    #[test]
    fn numbers_in_an_arabic_sentence_keep_their_order() {
        let tr = Tr::new(Language::Ar);
        let text = tr.args(
            "bulk-progress",
            &[("done", 2.into()), ("total", 200.into())],
        );
        assert!(text.contains("\u{2068}2\u{2069}") && text.contains("\u{2068}200\u{2069}"));
        let shown = crate::app::widgets::visual_text(&text, true);
        assert!(!shown.contains("002"), "{shown}");
        // Right to left: the total (read last) is drawn leftmost.
        let (done, total) = (
            shown.rfind('2').expect("2"),
            shown.find("200").expect("200"),
        );
        assert!(total < done, "{shown}");
        // An amount with its currency, inside a sentence, reads number then
        // code (the dialogs' "left before and after").
        let unit = |text: &str| crate::app::widgets::ltr_unit(text, true);
        let line = tr.args(
            "dialog-left-capture-after",
            &[
                ("left", unit("312.01 USD").into()),
                ("after", unit("0.00 USD").into()),
            ],
        );
        let shown = crate::app::widgets::visual_text(&line, true);
        assert!(
            shown.contains("312.01 USD") && shown.contains("0.00 USD"),
            "{shown:?} from {line:?}"
        );
        // English has no marks at all.
        let en = Tr::new(Language::En);
        let text = en.args(
            "bulk-progress",
            &[("done", 2.into()), ("total", 200.into())],
        );
        assert!(!text.contains(['\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}']));
    }
}
