//! Saved views: the Transactions filters and sort under a name the operator
//! gives, recalled from a list or the command palette. Per profile, in the
//! profile's config folder (`views/<profile>.toml` beside `profiles.toml`),
//! never in the journal. Like the remembered settings, a view keeps no
//! search text (customer names and emails stay in the session) and no
//! account scope (the backend scopes every query).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::journal::OrderFilter;

/// A named filter and sort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    pub filter: OrderFilter,
}

impl SavedView {
    /// A view of `filter` as it may be written: without search text or scope.
    pub fn new(name: &str, filter: &OrderFilter) -> SavedView {
        let mut filter = filter.clone();
        filter.text.clear();
        filter.profile = None;
        filter.environment = None;
        filter.now_ms = None;
        SavedView {
            name: name.trim().to_owned(),
            filter,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct ViewsFile {
    #[serde(default)]
    views: Vec<SavedView>,
}

/// The views file of a profile under `dir` (a name safe as a file name).
pub fn file_for(dir: &Path, profile: &str) -> PathBuf {
    let safe: String = profile
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    // i18n-lint: not shown (a file name)
    dir.join(format!("{safe}.toml"))
}

/// The views of a views file's text.
pub fn from_toml(text: &str) -> Result<Vec<SavedView>, toml::de::Error> {
    Ok(toml::from_str::<ViewsFile>(text)?.views)
}

/// The text of a views file holding `views`.
pub fn to_toml(views: &[SavedView]) -> Result<String, toml::ser::Error> {
    toml::to_string_pretty(&ViewsFile {
        views: views.to_vec(),
    })
}

/// `views` with `view` added, or replacing the one of the same name.
pub fn with_view(mut views: Vec<SavedView>, view: SavedView) -> Vec<SavedView> {
    match views.iter_mut().find(|known| known.name == view.name) {
        Some(known) => *known = view,
        None => views.push(view),
    }
    views
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::vocabulary::OrderState;

    #[test]
    fn views_round_trip_without_search_text_or_scope() {
        let path = file_for(Path::new("/config/views"), "shop/prod");
        assert!(path.ends_with("shop_prod.toml"));
        assert!(from_toml("").expect("an empty file").is_empty());
        let filter = OrderFilter {
            text: "Fatima".into(),
            states: vec![OrderState::Authorized],
            payment_options: vec!["KNET".into()],
            expiring_soon: true,
            profile: Some("shop".into()),
            ..OrderFilter::default()
        };
        let views = with_view(Vec::new(), SavedView::new(" Late KNET ", &filter));
        let views = with_view(views, SavedView::new("Late KNET", &OrderFilter::default()));
        assert_eq!(views.len(), 1, "same name replaces");
        let views = with_view(views, SavedView::new("Late KNET", &filter));
        let text = to_toml(&views).expect("written");
        let back = from_toml(&text).expect("read");
        assert_eq!(back, views);
        assert_eq!(back[0].name, "Late KNET");
        assert!(back[0].filter.text.is_empty() && back[0].filter.profile.is_none());
        assert!(back[0].filter.expiring_soon);
        assert!(!text.contains("Fatima"));
    }
}
