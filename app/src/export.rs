//! Exports: a chart as SVG (the element as it is on screen, with its own style) or PNG (that
//! SVG drawn on a canvas at twice its size), a table as CSV (French Excel: `;`, decimal comma
//! and a BOM; or plain), and the download itself (a Blob behind a temporary link).

use js_sys::Array;
use leptos::web_sys;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::i18n::Lang;

/// Saves `bytes` under `name` through a temporary link.
pub fn download(name: &str, parts: &JsValue, mime: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(parts, &bag) else {
        return;
    };
    download_blob(&doc, name, &blob);
}

fn download_blob(doc: &web_sys::Document, name: &str, blob: &web_sys::Blob) {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.set_attribute("hidden", "").ok();
        if let Some(body) = doc.body() {
            let _ = body.append_child(&a);
            a.click();
            let _ = body.remove_child(&a);
        }
    }
    // The download has started from the URL: it can go.
    let url2 = url.clone();
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url2);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000);
    }
}

/// Text to download (a UTF-8 string).
pub fn download_text(name: &str, text: &str, mime: &str) {
    let parts = Array::new();
    parts.push(&JsValue::from_str(text));
    download(name, &parts, mime);
}

fn chart_svg_element(id: &str) -> Option<web_sys::Element> {
    let doc = web_sys::window()?.document()?;
    doc.query_selector(&format!("[data-chart=\"{id}\"] svg"))
        .ok()
        .flatten()
}

/// The chart's SVG as a standalone document.
pub fn svg_text(id: &str) -> Option<String> {
    let svg = chart_svg_element(id)?;
    let s = web_sys::XmlSerializer::new().ok()?;
    let text = s.serialize_to_string(&svg).ok()?;
    Some(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}"
    ))
}

pub fn chart_svg(id: &str) {
    if let Some(text) = svg_text(id) {
        download_text(&format!("{id}.svg"), &text, "image/svg+xml");
    }
}

/// The chart drawn on a canvas at twice its viewBox size, saved as PNG.
pub fn chart_png(id: &str) {
    let (Some(text), Some(svg)) = (svg_text(id), chart_svg_element(id)) else {
        return;
    };
    let width: f64 = svg
        .get_attribute("width")
        .and_then(|w| w.parse().ok())
        .unwrap_or(640.0);
    let height: f64 = svg
        .get_attribute("height")
        .and_then(|h| h.parse().ok())
        .unwrap_or(320.0);
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = Array::new();
    parts.push(&JsValue::from_str(&text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("image/svg+xml;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let name = format!("{id}.png");
    let img2 = img.clone();
    let url2 = url.clone();
    let onload = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url2);
        let Ok(canvas) = doc.create_element("canvas") else {
            return;
        };
        let canvas: web_sys::HtmlCanvasElement = canvas.unchecked_into();
        canvas.set_width((width * 2.0) as u32);
        canvas.set_height((height * 2.0) as u32);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .map(|c| c.unchecked_into::<web_sys::CanvasRenderingContext2d>())
        else {
            return;
        };
        let _ = ctx.scale(2.0, 2.0);
        let _ =
            ctx.draw_image_with_html_image_element_and_dw_and_dh(&img2, 0.0, 0.0, width, height);
        let doc2 = doc.clone();
        let save = Closure::once_into_js(move |blob: JsValue| {
            if let Ok(blob) = blob.dyn_into::<web_sys::Blob>() {
                download_blob(&doc2, &name, &blob);
            }
        });
        let _ = canvas.to_blob(save.unchecked_ref());
    });
    img.set_onload(Some(onload.unchecked_ref()));
    img.set_src(&url);
}

fn looks_numeric(s: &str) -> bool {
    !s.is_empty() && s.parse::<f64>().is_ok()
}

/// A table as CSV: French Excel (`;`, decimal comma, BOM) or plain (`,`, point).
pub fn csv(head: &[String], rows: &[Vec<String>], french: bool) -> String {
    let sep = if french { ';' } else { ',' };
    let mut out = String::new();
    if french {
        out.push('\u{feff}');
    }
    let cell = |s: &str, out: &mut String| {
        let s = if french && looks_numeric(s) {
            s.replace('.', ",")
        } else {
            s.to_string()
        };
        if s.contains(sep) || s.contains('"') || s.contains('\n') {
            out.push('"');
            out.push_str(&s.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&s);
        }
    };
    for (i, h) in head.iter().enumerate() {
        if i > 0 {
            out.push(sep);
        }
        cell(h, &mut out);
    }
    out.push_str("\r\n");
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                out.push(sep);
            }
            cell(c, &mut out);
        }
        out.push_str("\r\n");
    }
    out
}

/// A chart's or table's data as CSV, in the style the language suggests (French Excel in
/// French, plain in English).
pub fn table_csv(id: &str, head: &[String], rows: &[Vec<String>], lang: Lang) {
    let text = csv(head, rows, lang == Lang::Fr);
    download_text(&format!("{id}.csv"), &text, "text/csv;charset=utf-8");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_styles() {
        let head = vec!["segment".to_string(), "share".to_string()];
        let rows = vec![
            vec!["at-risk".to_string(), "0.25".to_string()],
            vec!["a;b \"c\"".to_string(), String::new()],
        ];
        assert_eq!(
            csv(&head, &rows, false),
            "segment,share\r\nat-risk,0.25\r\n\"a;b \"\"c\"\"\",\r\n"
        );
        assert_eq!(
            csv(&head, &rows, true),
            "\u{feff}segment;share\r\nat-risk;0,25\r\n\"a;b \"\"c\"\"\";\r\n"
        );
    }
}
