//! NSL Playground: Neural Structured Learning in the browser.

mod app;
mod backend;
mod components;
mod compute;
mod state;

fn main() {
    yew::Renderer::<app::App>::new().render();
}
