//! A report page: sections of text, figures and tables, rendered as one self-contained HTML
//! file (inline SVG and CSS, no script, no external resource).

use crate::svg::escape;
use std::fmt::Write;

/// A figure: an SVG chart with a file stem (for `--format svg`) and a caption.
#[derive(Debug, Clone)]
pub struct Figure {
    pub name: String,
    pub caption: String,
    pub svg: String,
}

/// A table of text cells.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// A section of a report.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    pub paragraphs: Vec<String>,
    pub figures: Vec<Figure>,
    pub tables: Vec<Table>,
}

/// A report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub title: String,
    pub subtitle: String,
    pub sections: Vec<Section>,
}

const STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;max-width:760px;margin:2em auto;color:#222;\
padding:0 1em}h1{font-size:1.6em;margin-bottom:.2em}.sub{color:#555;margin-top:0}h2{font-size:1.25em;\
border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}figure{margin:1em 0}figcaption{color:#555;\
font-size:.9em}svg{max-width:100%;height:auto}table{border-collapse:collapse;font-size:.85em;margin:1em 0}\
td,th{border:1px solid #ddd;padding:.25em .5em;text-align:right}th{background:#f4f4f4}\
td:first-child,th:first-child{text-align:left}footer{color:#777;font-size:.8em;margin-top:3em}";

impl Report {
    /// Every figure of the report, in order.
    pub fn figures(&self) -> impl Iterator<Item = &Figure> {
        self.sections.iter().flat_map(|s| s.figures.iter())
    }

    /// The report as a self-contained HTML document.
    pub fn html(&self) -> String {
        let mut s = String::new();
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
            escape(&self.title),
            escape(&self.title),
            escape(&self.subtitle)
        );
        for section in &self.sections {
            let _ = writeln!(s, "<section>\n<h2>{}</h2>", escape(&section.heading));
            for p in &section.paragraphs {
                let _ = writeln!(s, "<p>{}</p>", escape(p));
            }
            for f in &section.figures {
                let _ = writeln!(
                    s,
                    "<figure id=\"{}\">\n{}<figcaption>{}</figcaption>\n</figure>",
                    escape(&f.name),
                    f.svg,
                    escape(&f.caption)
                );
            }
            for t in &section.tables {
                s.push_str("<table>\n<tr>");
                for h in &t.header {
                    let _ = write!(s, "<th>{}</th>", escape(h));
                }
                s.push_str("</tr>\n");
                for row in &t.rows {
                    s.push_str("<tr>");
                    for c in row {
                        let _ = write!(s, "<td>{}</td>", escape(c));
                    }
                    s.push_str("</tr>\n");
                }
                s.push_str("</table>\n");
            }
            s.push_str("</section>\n");
        }
        let _ = write!(
            s,
            "<footer>Made by esplab {} from the files of the folder; every number is in its CSV and JSON files.</footer>\n</body>\n</html>\n",
            env!("CARGO_PKG_VERSION")
        );
        s
    }
}

/// A number for a table cell.
pub fn cell(v: f64) -> String {
    if v.is_finite() {
        esplab_output::format::number(v)
    } else {
        "–".into()
    }
}
