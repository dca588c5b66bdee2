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
    dir.join(format!("{safe}.toml"))
}

/// The views saved in `path` (none when the file does not exist yet).
pub fn read(path: &Path) -> anyhow::Result<Vec<SavedView>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(toml::from_str::<ViewsFile>(&text)?.views),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(error.into()),
    }
}

/// Writes the views whole, through a staged file renamed over the old one.
pub fn write(path: &Path, views: &[SavedView]) -> anyhow::Result<()> {
    let text = toml::to_string_pretty(&ViewsFile {
        views: views.to_vec(),
    })?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let staged = path.with_extension("toml.new");
    std::fs::write(&staged, text)?;
    std::fs::rename(&staged, path)?;
    Ok(())
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
        let dir = tempfile::TempDir::new().expect("temp dir");
        let path = file_for(dir.path(), "shop/prod");
        assert!(path.ends_with("shop_prod.toml"));
        assert!(read(&path).expect("none yet").is_empty());
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
        write(&path, &views).expect("written");
        let back = read(&path).expect("read");
        assert_eq!(back, views);
        assert_eq!(back[0].name, "Late KNET");
        assert!(back[0].filter.text.is_empty() && back[0].filter.profile.is_none());
        assert!(back[0].filter.expiring_soon);
        let text = std::fs::read_to_string(&path).expect("file");
        assert!(!text.contains("Fatima"));
    }
}
