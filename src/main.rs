//! Standalone entry point: mounts the widget into the page.

fn main() {
    console_error_panic_hook::set_once();
    addon_usage::mount();
}
