//! Form controls: a slider with an exact number field, a select, a checkbox. Every control has a
//! visible label bound to it, so keyboard and screen-reader users reach it by name.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Props of [`Knob`].
#[derive(Debug, Properties, PartialEq, Clone)]
pub struct KnobProps {
    /// Element id of the number field (the slider gets `{id}-range`).
    pub id: AttrValue,
    /// Label text.
    pub label: AttrValue,
    /// Current value.
    pub value: f64,
    /// Smallest value of the slider (the number field accepts any value ≥ `min`).
    pub min: f64,
    /// Largest value of the slider.
    pub max: f64,
    /// Slider granularity (ignored on a log scale).
    #[prop_or(0.01)]
    pub step: f64,
    /// The slider moves on a log scale (learning rates).
    #[prop_or_default]
    pub log: bool,
    /// Whole numbers only.
    #[prop_or_default]
    pub integer: bool,
    /// A hint shown on hover.
    #[prop_or_default]
    pub hint: AttrValue,
    /// New values.
    pub on_change: Callback<f64>,
}

/// Rounds to 4 significant digits (slider positions on a log scale land on odd floats).
fn tidy(v: f64) -> f64 {
    if v == 0.0 || !v.is_finite() {
        return v;
    }
    let digits = 3 - v.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (v * scale).round() / scale
}

/// A slider plus an exact number field.
#[function_component(Knob)]
pub fn knob(props: &KnobProps) -> Html {
    let to_slider = |v: f64| if props.log { v.max(props.min).log10() } else { v };
    let from_slider = {
        let (log, integer) = (props.log, props.integer);
        move |s: f64| {
            let v = if log { tidy(10f64.powf(s)) } else { s };
            if integer { v.round() } else { v }
        }
    };
    let on_slide = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(s) = input.value().parse::<f64>() {
                on_change.emit(from_slider(s));
            }
        })
    };
    let shown =
        if props.integer { format!("{}", props.value.round()) } else { format!("{}", tidy(props.value)) };
    let on_number = {
        let (on_change, min, integer, shown) =
            (props.on_change.clone(), props.min, props.integer, shown.clone());
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            match input.value().trim().parse::<f64>() {
                Ok(v) if v.is_finite() && v >= min && (!integer || v.fract() == 0.0) => on_change.emit(v),
                // Not a value the knob takes: show the value in force again.
                _ => input.set_value(&shown),
            }
        })
    };
    // The number field is uncontrolled: yew re-applies a `value` attribute on every render whose
    // value differs from the DOM's, which would wipe what someone is typing whenever training
    // progress re-renders the page. It is set here only when the value in force changes.
    let number = use_node_ref();
    {
        let number = number.clone();
        use_effect_with(shown.clone(), move |shown| {
            if let Some(input) = number.cast::<HtmlInputElement>() {
                input.set_value(shown);
            }
        });
    }
    let (slider_min, slider_max) = (to_slider(props.min), to_slider(props.max));
    let slider_step = if props.log { 0.01 } else { props.step };
    html! {
        <div class="knob" title={props.hint.clone()}>
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <div class="knob-inputs">
                <input type="range" id={format!("{}-range", props.id)} aria-label={props.label.clone()}
                    min={slider_min.to_string()} max={slider_max.to_string()} step={slider_step.to_string()}
                    value={to_slider(props.value).clamp(slider_min, slider_max).to_string()} oninput={on_slide} />
                <input type="number" ref={number} id={props.id.clone()} min={props.min.to_string()} step="any"
                    onchange={on_number} />
            </div>
        </div>
    }
}

/// Props of [`Choice`].
#[derive(Debug, Properties, PartialEq, Clone)]
pub struct ChoiceProps {
    /// Element id.
    pub id: AttrValue,
    /// Label text.
    pub label: AttrValue,
    /// `(key, label)` options.
    pub options: Vec<(AttrValue, AttrValue)>,
    /// Key of the selected option.
    pub selected: AttrValue,
    /// Options that cannot be picked now (keys).
    #[prop_or_default]
    pub disabled: Vec<AttrValue>,
    /// The picked key.
    pub on_change: Callback<String>,
}

/// A labelled select.
#[function_component(Choice)]
pub fn choice(props: &ChoiceProps) -> Html {
    let onchange = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            on_change.emit(select.value());
        })
    };
    html! {
        <div class="knob">
            <label for={props.id.clone()}>{ props.label.clone() }</label>
            <select id={props.id.clone()} {onchange}>
                { for props.options.iter().map(|(key, label)| html! {
                    <option value={key.clone()} selected={*key == props.selected}
                        disabled={props.disabled.contains(key)}>{ label.clone() }</option>
                }) }
            </select>
        </div>
    }
}

/// Props of [`Toggle`].
#[derive(Debug, Properties, PartialEq, Clone)]
pub struct ToggleProps {
    /// Element id.
    pub id: AttrValue,
    /// Label text.
    pub label: AttrValue,
    /// Checked.
    pub checked: bool,
    /// New state.
    pub on_change: Callback<bool>,
}

/// A labelled checkbox.
#[function_component(Toggle)]
pub fn toggle(props: &ToggleProps) -> Html {
    let onchange = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_change.emit(input.checked());
        })
    };
    html! {
        <label class="toggle" for={props.id.clone()}>
            <input type="checkbox" id={props.id.clone()} checked={props.checked} {onchange} />
            { props.label.clone() }
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::tidy;

    #[test]
    fn log_slider_values_are_tidied() {
        assert_eq!(tidy(0.0031622776), 0.003162);
        assert_eq!(tidy(12345.6), 12350.0);
        assert_eq!(tidy(0.0), 0.0);
    }
}
