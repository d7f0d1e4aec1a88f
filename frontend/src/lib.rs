//! The browser entry point: hydrate the server-rendered page, nothing else.
// The release build computes the layout of the pages' whole view types here
// (the answer-set page's nests deeper than the default limit allows).
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
