//! Saved views: the Transactions filters and sort under a name the operator
//! gives, recalled from a list or the command palette, replaced (after
//! asking) by saving under the same name, and deleted (after asking). Per
//! profile, in the profile's config folder (`views/<profile>.toml` beside
//! `profiles.toml`), never in the journal. Like the remembered settings, a
//! view keeps no search text (customer names and emails stay in the
//! session) and no account scope (the backend scopes every query).
//!
//! The file is the backend's to read and write (whole, through a file
//! renamed over the old one); what is here decides, without touching the
//! disk, what the views become after a change and after the file was read
//! ([`ViewsStore`]). A file that cannot be read as views is never written
//! over: it is set aside under another name first, or, when even that
//! fails, the views of the session are not written at all.

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

/// Whether two names name the same view: spaces around them and letter
/// case do not tell views apart ("Late KNET" and "late knet " are one), so
/// that the list never shows two entries an operator cannot tell apart.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// The view named `name`, if there is one.
pub fn find<'a>(views: &'a [SavedView], name: &str) -> Option<&'a SavedView> {
    views.iter().find(|view| same_name(&view.name, name))
}

/// `views` with `view` added, or replacing the one of the same name (in
/// its place in the list, under the name as now typed).
pub fn with_view(mut views: Vec<SavedView>, view: SavedView) -> Vec<SavedView> {
    match views
        .iter_mut()
        .find(|known| same_name(&known.name, &view.name))
    {
        Some(known) => *known = view,
        None => views.push(view),
    }
    views
}

/// `views` without the one named `name`.
pub fn without_view(mut views: Vec<SavedView>, name: &str) -> Vec<SavedView> {
    views.retain(|view| !same_name(&view.name, name));
    views
}

/// A change the operator made to the views.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewChange {
    /// Saved, new or replacing the one of the same name.
    Save(Box<SavedView>),
    Delete(String),
}

impl ViewChange {
    /// `views` after this change.
    pub fn apply(&self, views: Vec<SavedView>) -> Vec<SavedView> {
        match self {
            ViewChange::Save(view) => with_view(views, (**view).clone()),
            ViewChange::Delete(name) => without_view(views, name),
        }
    }
}

/// What reading a profile's views file came to.
#[derive(Debug, Clone, PartialEq)]
pub enum ViewsRead {
    /// The views the file holds (none when there is no file yet).
    Read(Vec<SavedView>),
    /// The file could not be read as views: it was renamed to `kept_as`,
    /// untouched, and the profile starts with no views.
    SetAside { kept_as: PathBuf, detail: String },
    /// The file could not be read, nor renamed: it is left as it is, and
    /// this session's views are not written over it.
    Unreadable { detail: String },
}

/// Where the open profile's views are kept, as far as the app knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum ViewsStore {
    /// For this session only: the demo, or a file that could not be read
    /// nor set aside.
    #[default]
    Session,
    /// The file at `path` is being read. Changes made meanwhile wait in
    /// `pending`, applied over what the file holds once it is read (a
    /// change never writes a file that was not read first).
    Loading {
        path: PathBuf,
        pending: Vec<ViewChange>,
    },
    /// Read from `path`; every change is written there.
    File(PathBuf),
}

/// What the app does after a change or a read: the views to show, and
/// the file to write them to (if any).
#[derive(Debug, Clone, PartialEq)]
pub struct ViewsUpdate {
    pub views: Vec<SavedView>,
    pub write_to: Option<PathBuf>,
}

impl ViewsStore {
    /// Starts reading the views file at `path` (`None`: session only).
    pub fn loading(path: Option<PathBuf>) -> ViewsStore {
        match path {
            Some(path) => ViewsStore::Loading {
                path,
                pending: Vec::new(),
            },
            None => ViewsStore::Session,
        }
    }

    /// `change` made to `views`: the views after it, and where to write
    /// them (nowhere while the file is being read: the change waits).
    pub fn change(&mut self, views: Vec<SavedView>, change: ViewChange) -> ViewsUpdate {
        let views = change.apply(views);
        let write_to = match self {
            ViewsStore::Session => None,
            ViewsStore::Loading { pending, .. } => {
                pending.push(change);
                None
            }
            ViewsStore::File(path) => Some(path.clone()),
        };
        ViewsUpdate { views, write_to }
    }

    /// The file at `path` was read. `None` when this store is not waiting
    /// for that file (a read that arrives after a profile switch, or twice).
    pub fn read(&mut self, path: &Path, read: &ViewsRead) -> Option<ViewsUpdate> {
        let ViewsStore::Loading {
            path: loading,
            pending,
        } = self
        else {
            return None;
        };
        if loading != path {
            return None;
        }
        let pending = std::mem::take(pending);
        let (start, store) = match read {
            ViewsRead::Read(views) => (views.clone(), ViewsStore::File(path.to_owned())),
            // The old file is kept aside: the views start anew at `path`.
            ViewsRead::SetAside { .. } => (Vec::new(), ViewsStore::File(path.to_owned())),
            ViewsRead::Unreadable { .. } => (Vec::new(), ViewsStore::Session),
        };
        let write = !pending.is_empty();
        let views = pending
            .iter()
            .fold(start, |views, change| change.apply(views));
        let write_to = match &store {
            ViewsStore::File(path) if write => Some(path.clone()),
            ViewsStore::File(_) | ViewsStore::Session | ViewsStore::Loading { .. } => None,
        };
        *self = store;
        Some(ViewsUpdate { views, write_to })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::vocabulary::OrderState;

    fn knet() -> OrderFilter {
        OrderFilter {
            text: "Fatima".into(),
            states: vec![OrderState::Authorized],
            payment_options: vec!["KNET".into()],
            expiring_soon: true,
            profile: Some("shop".into()),
            ..OrderFilter::default()
        }
    }

    #[test]
    fn views_round_trip_without_search_text_or_scope() {
        let path = file_for(Path::new("/config/views"), "shop/prod");
        assert!(path.ends_with("shop_prod.toml"));
        assert!(from_toml("").expect("an empty file").is_empty());
        let filter = knet();
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

    /// A name differing only in case or spaces is the same view: saving it
    /// replaces (in place), deleting it deletes; other views stay.
    #[test]
    fn names_that_differ_in_case_or_spaces_are_one_view() {
        let views = with_view(Vec::new(), SavedView::new("Late KNET", &knet()));
        let views = with_view(views, SavedView::new("All", &OrderFilter::default()));
        let views = with_view(views, SavedView::new(" late knet", &OrderFilter::default()));
        assert_eq!(
            views
                .iter()
                .map(|view| view.name.as_str())
                .collect::<Vec<_>>(),
            ["late knet", "All"]
        );
        assert!(find(&views, "LATE KNET").is_some());
        let views = without_view(views, "LATE KNET ");
        assert_eq!(views.len(), 1);
        assert_eq!(views[0].name, "All");
        // Deleting what is not there changes nothing.
        assert_eq!(without_view(views.clone(), "gone"), views);
    }

    /// Changes made while the file is read wait, and apply over what the
    /// file holds; nothing is written before the file was read.
    #[test]
    fn changes_made_while_the_file_is_read_apply_over_it() {
        let path = PathBuf::from("/config/views/test.toml");
        let mut store = ViewsStore::loading(Some(path.clone()));
        let update = store.change(
            Vec::new(),
            ViewChange::Save(Box::new(SavedView::new("New", &OrderFilter::default()))),
        );
        assert_eq!(update.write_to, None, "not before the file is read");
        let update = store.change(update.views, ViewChange::Delete("Old".into()));
        assert_eq!(update.write_to, None);
        // A read of another file (a profile switched away) is not this one.
        let other = ViewsRead::Read(Vec::new());
        assert_eq!(
            store.read(Path::new("/config/views/other.toml"), &other),
            None
        );
        let on_disk = vec![
            SavedView::new("Old", &knet()),
            SavedView::new("Kept", &knet()),
        ];
        let update = store
            .read(&path, &ViewsRead::Read(on_disk))
            .expect("the awaited read");
        assert_eq!(
            update
                .views
                .iter()
                .map(|view| view.name.as_str())
                .collect::<Vec<_>>(),
            ["Kept", "New"]
        );
        assert_eq!(update.write_to.as_deref(), Some(path.as_path()));
        assert_eq!(store, ViewsStore::File(path.clone()));
        // Read once: a second answer changes nothing.
        assert_eq!(store.read(&path, &ViewsRead::Read(Vec::new())), None);
        let update = store.change(update.views, ViewChange::Delete("kept".into()));
        assert_eq!(update.views.len(), 1);
        assert_eq!(update.write_to.as_deref(), Some(path.as_path()));
    }

    /// A file read without changes pending is not rewritten; a file set
    /// aside starts the views anew at the same path; a file that could not
    /// even be set aside is never written.
    #[test]
    fn a_file_that_is_not_views_is_never_written_over() {
        let path = PathBuf::from("/config/views/test.toml");
        let mut store = ViewsStore::loading(Some(path.clone()));
        let update = store
            .read(&path, &ViewsRead::Read(vec![SavedView::new("A", &knet())]))
            .expect("read");
        assert_eq!(update.write_to, None, "nothing changed: nothing written");

        let mut store = ViewsStore::loading(Some(path.clone()));
        let set_aside = ViewsRead::SetAside {
            kept_as: path.with_extension("toml.unreadable"),
            detail: "expected `=`".into(),
        };
        let update = store.read(&path, &set_aside).expect("read");
        assert!(update.views.is_empty());
        assert_eq!(store, ViewsStore::File(path.clone()));

        let mut store = ViewsStore::loading(Some(path.clone()));
        store.change(
            Vec::new(),
            ViewChange::Save(Box::new(SavedView::new("Mine", &OrderFilter::default()))),
        );
        let unreadable = ViewsRead::Unreadable {
            detail: "permission denied".into(),
        };
        let update = store.read(&path, &unreadable).map(|read| {
            assert_eq!(read.views.len(), 1, "the session keeps what was saved");
            read.write_to
        });
        assert_eq!(update, Some(None), "and writes nothing");
        assert_eq!(store, ViewsStore::Session);
        let update = store.change(Vec::new(), ViewChange::Delete("Mine".into()));
        assert_eq!(update.write_to, None);
    }
}
