//! Entry point: defines the `<addon-usage>` element, which then renders wherever the
//! page puts one.

fn main() {
    console_error_panic_hook::set_once();
    addon_usage::start();
}
