//! Page helpers: waiting, clicking and typing in the app's window as a
//! cashier (or a barcode scanner) would, and taking its picture.

use crate::app::App;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::Locator;
use std::path::Path;
use std::time::{Duration, Instant};

impl App {
    pub async fn wait_visible(&self, css: &str) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                if el.is_displayed().await.unwrap_or(false) {
                    return el;
                }
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot(css).await;
                panic!("{css} never became visible (screen: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` has `attr` equal to `value`; returns the element.
    pub async fn wait_attr(
        &self,
        css: &str,
        attr: &str,
        value: &str,
        secs: u64,
    ) -> fantoccini::elements::Element {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let mut last = None;
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.attr(attr).await.ok().flatten();
                if last.as_deref() == Some(value) {
                    return el;
                }
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot(css).await;
                panic!("{css}[{attr}] stayed {last:?}, wanted {value} (screen: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the window shows, as a PNG. WebKitGTK, with accelerated
    /// compositing off as the app runs it, answers a screenshot only after
    /// its next paint, and a page standing still never paints again (a
    /// screen without a caret, countdown or animation): a one-pixel, all but
    /// transparent dot keeps paints coming while the picture is taken.
    pub async fn capture(&self) -> Result<Vec<u8>, fantoccini::error::CmdError> {
        const NUDGE: &str = "if (!window.__e2ePaint) {
               const dot = document.createElement('div');
               Object.assign(dot.style, { position: 'fixed', left: '0', top: '0', width: '1px',
                 height: '1px', pointerEvents: 'none', zIndex: '2147483647' });
               document.documentElement.appendChild(dot);
               let on = false;
               const timer = setInterval(() => {
                 on = !on;
                 dot.style.background = on ? 'rgba(0, 0, 0, 0.004)' : 'rgba(0, 0, 0, 0)';
               }, 40);
               window.__e2ePaint = { dot, timer };
             }";
        const STOP: &str = "const p = window.__e2ePaint;
             if (p) { clearInterval(p.timer); p.dot.remove(); delete window.__e2ePaint; }";
        let _ = self.client.execute(NUDGE, vec![]).await;
        let png = self.client.screenshot().await;
        let _ = self.client.execute(STOP, vec![]).await;
        png
    }

    /// Saves what the window showed when a wait failed, and says where.
    async fn failure_screenshot(&self, what: &str) -> String {
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
            .collect();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-failures");
        let path = dir.join(format!("{name}-{}.png", std::process::id()));
        let saved = match self.capture().await {
            Ok(png) => std::fs::create_dir_all(&dir)
                .and_then(|_| std::fs::write(&path, png))
                .is_ok(),
            Err(_) => false,
        };
        if saved {
            path.display().to_string()
        } else {
            "no screenshot".into()
        }
    }

    /// Clicks, retrying while the element is re-rendered under the pointer
    /// (lists refresh on every order change).
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let el = self.wait_visible(css).await;
            match el.click().await {
                Ok(_) => return,
                Err(e) if Instant::now() >= deadline => {
                    let on_top = self.what_is_on_top(css).await;
                    let shot = self.failure_screenshot(css).await;
                    panic!("click {css}: {e:?}; on top of it: {on_top} (screen: {shot})")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// What a pointer at the middle of `css` would touch, and where that is,
    /// to say why a click did not land.
    async fn what_is_on_top(&self, css: &str) -> String {
        let script = "const el = document.querySelector(arguments[0]);
             if (!el) return 'no such element';
             const r = el.getBoundingClientRect();
             const x = r.left + r.width / 2, y = r.top + r.height / 2;
             const top = document.elementFromPoint(x, y);
             const name = top ? top.tagName + (top.id ? '#' + top.id : '') + '.' + top.className : 'nothing';
             return `${name} at ${x},${y} in a ${innerWidth}x${innerHeight} window`;";
        match self.client.execute(script, vec![css.into()]).await {
            Ok(answer) => answer.as_str().unwrap_or("?").to_string(),
            Err(e) => format!("unknown ({e})"),
        }
    }

    /// Types into a field at human speed: WebDriver's own typing is as fast
    /// as a barcode scanner, and the app rightly treats such bursts as scans.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.wait_visible(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.click()
            .await
            .unwrap_or_else(|e| panic!("focus {css}: {e}"));
        self.human_types(text).await;
    }

    /// The text of an element once it exists (WebKit's visibility check
    /// misjudges some elements, such as `<output>`).
    pub async fn text(&self, css: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                let text = el.text().await.unwrap_or_default();
                if !text.is_empty() {
                    return text;
                }
                return el
                    .prop("textContent")
                    .await
                    .ok()
                    .flatten()
                    .unwrap_or_default();
            }
            if Instant::now() >= deadline {
                let shot = self.failure_screenshot(css).await;
                panic!("{css} never appeared (screen: {shot})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn select(&self, css: &str, value: &str) {
        self.wait_visible(css)
            .await
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("select {value} in {css}: {e}"));
    }

    /// Keystrokes with no pause between them, as a keyboard-wedge scanner sends them.
    pub async fn scanner_burst(&self, code: &str) {
        let mut keys = KeyActions::new("scanner".into());
        for c in code.chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        let enter = '\u{E007}';
        keys = keys
            .then(KeyAction::Down { value: enter })
            .then(KeyAction::Up { value: enter });
        self.client
            .perform_actions(keys)
            .await
            .expect("key actions");
    }

    /// Keystrokes at human speed.
    pub async fn human_types(&self, text: &str) {
        let mut keys = KeyActions::new("person".into());
        for c in text.chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c })
                .then(KeyAction::Pause {
                    duration: Duration::from_millis(80),
                });
        }
        self.client
            .perform_actions(keys)
            .await
            .expect("key actions");
    }

    pub async fn screenshot(&self, lang: &str, name: &str) {
        // Let the screen finish switching and painting.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.capture().await.expect("screenshot");
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("docs/screenshots")
            .join(lang);
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    /// The screen shown fits the window: nothing (a button) below the fold.
    pub async fn assert_fits(&self, what: &str) {
        let sizes = self
            .client
            .execute(
                "const m = document.querySelector('main'); return [m.scrollHeight, m.clientHeight];",
                vec![],
            )
            .await
            .expect("sizes");
        let (scroll, client) = (sizes[0].as_i64(), sizes[1].as_i64());
        assert!(
            scroll <= client,
            "{what} needs scrolling: {scroll:?} px of content in {client:?} px"
        );
    }

    /// Makes the window whose title contains `title` (exactly `title` when
    /// several do) the one the next commands drive.
    pub async fn switch_to_window(&self, title: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut partial = None;
            for handle in self.client.windows().await.unwrap_or_default() {
                if self.client.switch_to_window(handle.clone()).await.is_err() {
                    continue;
                }
                let shown = self.client.title().await.unwrap_or_default();
                if shown == title {
                    return;
                }
                if shown.contains(title) {
                    partial = Some(handle);
                }
            }
            if let Some(handle) = partial {
                self.client
                    .switch_to_window(handle)
                    .await
                    .expect("switch window");
                return;
            }
            assert!(Instant::now() < deadline, "no window titled {title:?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `css` is hidden (or gone).
    pub async fn wait_hidden(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let shown = match self.client.find(Locator::Css(css)).await {
                Ok(el) => el.is_displayed().await.unwrap_or(false),
                Err(_) => false,
            };
            if !shown {
                return;
            }
            assert!(Instant::now() < deadline, "{css} stayed visible");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.client.find(Locator::Css(css)).await.is_ok() {
            assert!(Instant::now() < deadline, "{css} is still there");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Empties an element's text (so the next answer can be told apart).
    pub async fn clear_text(&self, css: &str) {
        let script = format!(
            "const el = document.querySelector({}); if (el) el.replaceChildren();",
            serde_json::to_string(css).unwrap_or_default()
        );
        let _ = self.client.execute(&script, vec![]).await;
    }
}
