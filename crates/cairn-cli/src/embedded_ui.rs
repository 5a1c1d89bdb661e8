//! The web UI built into the binary: `build.rs` writes the table of `ui/dist`'s files (empty
//! when the UI was not built), which `cairn serve` and `cairn ui` serve without a folder.

use cairn_server::embedded_ui::{EmbeddedUi, UiFile};

include!(concat!(env!("OUT_DIR"), "/embedded_ui.rs"));

/// The UI this binary carries.
pub const UI: EmbeddedUi = EmbeddedUi::new(FILES);
