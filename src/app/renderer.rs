//! Which renderer draws the window, decided at start-up.
//!
//! glow (OpenGL) starts fastest and runs on old drivers, so it goes first.
//! Back-office PCs reached over Remote Desktop or running in VMs often have
//! no usable OpenGL driver; there glow cannot create a context, and wgpu is
//! tried next (Direct3D 12 on Windows, which falls back to its WARP software
//! adapter; Vulkan or GLES elsewhere; Metal on macOS). `APSDESK_RENDERER=glow`
//! or `=wgpu` forces one, for support and for tests. The choice and every
//! failure are logged.

/// A renderer eframe can start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renderer {
    Glow,
    Wgpu,
}

impl Renderer {
    /// The name used in logs and in `APSDESK_RENDERER`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Renderer::Glow => "glow",
            Renderer::Wgpu => "wgpu",
        }
    }
}

impl From<Renderer> for eframe::Renderer {
    fn from(renderer: Renderer) -> eframe::Renderer {
        match renderer {
            Renderer::Glow => eframe::Renderer::Glow,
            Renderer::Wgpu => eframe::Renderer::Wgpu,
        }
    }
}

/// The renderers to try, in order, given `APSDESK_RENDERER`'s value. An
/// unknown value is logged and ignored rather than leaving the operator
/// without a window.
#[must_use]
pub fn order(forced: Option<&str>) -> Vec<Renderer> {
    match forced.map(str::trim) {
        None | Some("") => vec![Renderer::Glow, Renderer::Wgpu],
        Some("glow") => vec![Renderer::Glow],
        Some("wgpu") => vec![Renderer::Wgpu],
        Some(other) => {
            tracing::warn!("APSDESK_RENDERER={other:?} is neither glow nor wgpu: ignored");
            vec![Renderer::Glow, Renderer::Wgpu]
        }
    }
}

/// The order for this process (from the environment).
#[must_use]
pub fn order_from_env() -> Vec<Renderer> {
    order(std::env::var("APSDESK_RENDERER").ok().as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glow_first_then_wgpu_unless_forced() {
        assert_eq!(order(None), [Renderer::Glow, Renderer::Wgpu]);
        assert_eq!(order(Some("")), [Renderer::Glow, Renderer::Wgpu]);
        assert_eq!(order(Some("wgpu")), [Renderer::Wgpu]);
        assert_eq!(order(Some(" glow ")), [Renderer::Glow]);
        assert_eq!(order(Some("vulkan")), [Renderer::Glow, Renderer::Wgpu]);
        assert_eq!(
            eframe::Renderer::from(Renderer::Wgpu),
            eframe::Renderer::Wgpu
        );
    }
}
