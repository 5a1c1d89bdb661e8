//! The report files `cairn gate --report PATH` writes: Markdown (the core's history record),
//! HTML and JSON, chosen by the file's extension. The JSON shape is a transport type here, so
//! the core's `GateReport` carries no serde.

use cairn_core::registry::gate::{GateError, GateReport, GateSide, side, verdict};
use serde::Serialize;

/// The report in the format a file name asks for (`.md`/`.markdown`, `.html`/`.htm`, `.json`).
pub fn render_for(report: &GateReport, path: &str) -> Result<String, GateError> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        Ok(report.to_markdown())
    } else if lower.ends_with(".html") || lower.ends_with(".htm") {
        Ok(to_html(report))
    } else if lower.ends_with(".json") {
        Ok(to_json(report))
    } else {
        Err(GateError::Usage(format!(
            "report '{path}': the name must end in .md, .html or .json"
        )))
    }
}

#[derive(Serialize)]
struct ReportJson<'a> {
    model: &'a str,
    against: &'a str,
    candidate: SideJson<'a>,
    baseline: Option<SideJson<'a>>,
    rules: Vec<RuleJson<'a>>,
    requirements: Vec<RequirementJson<'a>>,
    passed: bool,
}

#[derive(Serialize)]
struct SideJson<'a> {
    version: Option<u64>,
    run_id: &'a str,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    rule: &'a str,
    candidate: f64,
    baseline: Option<f64>,
    threshold: Option<f64>,
    passed: bool,
    note: &'a str,
}

#[derive(Serialize)]
struct RequirementJson<'a> {
    requirement: &'a str,
    passed: bool,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a str>,
}

fn side_json(side: &GateSide) -> SideJson<'_> {
    SideJson {
        version: side.version,
        run_id: &side.run_id,
    }
}

/// The report as pretty-printed JSON (also what `cairn gate --json` prints).
pub fn to_json(report: &GateReport) -> String {
    let json = ReportJson {
        model: &report.model,
        against: &report.against,
        candidate: side_json(&report.candidate),
        baseline: report.baseline.as_ref().map(side_json),
        rules: report
            .rules
            .iter()
            .map(|rule| RuleJson {
                rule: &rule.rule,
                candidate: rule.candidate,
                baseline: rule.baseline,
                threshold: rule.threshold,
                passed: rule.passed,
                note: &rule.note,
            })
            .collect(),
        requirements: report
            .requirements
            .iter()
            .map(|requirement| RequirementJson {
                requirement: &requirement.requirement,
                passed: requirement.passed,
                detail: &requirement.detail,
                report: requirement.report.as_deref(),
            })
            .collect(),
        passed: report.passed,
    };
    serde_json::to_string_pretty(&json).unwrap_or_default()
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An HTML report.
pub fn to_html(report: &GateReport) -> String {
    let mut out = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Gate: {model}</title>\
         </head><body>\n<h1>Gate: {model} — {verdict}</h1>\n<p>Candidate: {candidate}<br>\
         Baseline ({against}): {baseline}</p>\n",
        model = escape_html(&report.model),
        verdict = if report.passed { "PASSED" } else { "FAILED" },
        candidate = escape_html(&side(Some(&report.candidate))),
        against = escape_html(&report.against),
        baseline = escape_html(&side(report.baseline.as_ref())),
    );
    out.push_str(
        "<table border=\"1\"><tr><th>Rule</th><th>Candidate</th><th>Baseline</th>\
         <th>Threshold</th><th>Result</th></tr>\n",
    );
    for row in report.rule_rows() {
        out.push_str("<tr>");
        for cell in row {
            out.push_str(&format!("<td>{}</td>", escape_html(&cell)));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    if !report.requirements.is_empty() {
        out.push_str(
            "<table border=\"1\"><tr><th>Requirement</th><th>Result</th><th>Detail</th></tr>\n",
        );
        for requirement in &report.requirements {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                requirement.requirement,
                verdict(requirement.passed),
                escape_html(&requirement.detail)
            ));
        }
        out.push_str("</table>\n");
        for requirement in &report.requirements {
            if let Some(text) = &requirement.report {
                out.push_str(&format!(
                    "<h2>{}</h2>\n<pre>{}</pre>\n",
                    escape_html(&requirement.requirement),
                    escape_html(text)
                ));
            }
        }
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use cairn_core::registry::gate::{GateReport, GateSide, RequirementOutcome, RuleOutcome};

    use super::*;

    fn report() -> GateReport {
        GateReport {
            model: "m".into(),
            against: "Production".into(),
            candidate: GateSide {
                version: Some(2),
                run_id: "r2".into(),
            },
            baseline: Some(GateSide {
                version: Some(1),
                run_id: "r1".into(),
            }),
            rules: vec![
                RuleOutcome {
                    rule: "metrics.val_auc >= baseline + 0.002".into(),
                    candidate: 0.93,
                    baseline: Some(0.9),
                    threshold: Some(0.902),
                    passed: true,
                    note: String::new(),
                },
                RuleOutcome {
                    rule: "metrics.latency_ms <= 50".into(),
                    candidate: 45.0,
                    baseline: None,
                    threshold: Some(50.0),
                    passed: true,
                    note: String::new(),
                },
            ],
            requirements: vec![RequirementOutcome {
                requirement: "data-hash".into(),
                passed: true,
                detail: "1 data hash(es) <recorded>".into(),
                report: None,
            }],
            passed: true,
        }
    }

    #[test]
    fn reports_in_markdown_html_and_json_by_extension() {
        let report = report();
        let markdown = render_for(&report, "report.md").unwrap();
        assert!(markdown.starts_with("# Gate: m — PASSED"), "{markdown}");
        let json: serde_json::Value =
            serde_json::from_str(&render_for(&report, "out/report.JSON").unwrap()).unwrap();
        assert_eq!(json["passed"], true);
        assert_eq!(json["candidate"]["version"], 2);
        assert_eq!(json["baseline"]["run_id"], "r1");
        assert_eq!(json["rules"][0]["baseline"], 0.9);
        assert_eq!(json["rules"][1]["threshold"], 50.0);
        assert_eq!(json["requirements"][0]["requirement"], "data-hash");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 7, "{keys:?}");
        let html = render_for(&report, "r.html").unwrap();
        assert!(html.contains("<td>pass</td>"), "{html}");
        assert!(html.contains("&lt;recorded&gt;"), "{html}");
        assert!(matches!(
            render_for(&report, "r.txt"),
            Err(GateError::Usage(_))
        ));
    }
}
