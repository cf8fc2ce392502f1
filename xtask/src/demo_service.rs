//! The demo's service part: `medplug serve` under the default policy (with a small quota on the
//! claims extractor, so that a refusal shows), called over HTTP as two clinics with curl-like
//! output; a 403, a 429, an excerpt of `/metrics`, a clean stop on SIGTERM, and the audit trail
//! verified afterwards.

use std::fmt::Write;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::service::{ServiceProcess, build_medplug};

/// A note short enough to read in the output.
const NOTE: &str = "Paciente Maria Souza, CPF 529.982.247-25, HD: depressão (CID F33.1).";

/// One answer, as curl -i would show what matters of it.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

fn request(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    key: Option<&str>,
    body: Option<&str>,
) -> Result<Answer> {
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    if let Some(key) = key {
        builder = builder.header("Authorization", format!("Bearer {key}"));
    }
    if body.is_some() {
        builder = builder.header("Content-Type", "application/json");
    }
    let request = builder.body(body.unwrap_or_default().to_owned())?;
    let mut response = agent
        .run(request)
        .with_context(|| format!("{method} {url}"))?;
    let headers = ["medplug-version", "medplug-audit-record", "retry-after"]
        .iter()
        .filter_map(|name| {
            let value = response.headers().get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    Ok(Answer {
        status: response.status().as_u16(),
        headers,
        body: response.body_mut().read_to_string()?,
    })
}

/// `mpk_0123…`: enough of a key to tell which one, never the secret.
fn short(key: &str) -> String {
    format!("{}…", &key[..key.len().min(12)])
}

/// Prints the request as a curl command line and the answer's status, headers and body.
fn show(
    out: &mut String,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&str>,
    answer: &Answer,
) -> Result<()> {
    let mut line = format!("  $ curl -X {method} $MEDPLUG{path}");
    if let Some(key) = key {
        write!(line, " -H 'Authorization: Bearer {}'", short(key))?;
    }
    if let Some(body) = body {
        write!(line, " -d '{body}'")?;
    }
    writeln!(out, "{line}")?;
    let mut status = format!("  < HTTP {}", answer.status);
    for (name, value) in &answer.headers {
        write!(status, " · {name}: {value}")?;
    }
    writeln!(out, "{status}")?;
    // A plugin's output is cut short; a problem is shown whole.
    let keep = if answer.status == 200 {
        150
    } else {
        usize::MAX
    };
    let body: String = answer.body.chars().take(keep).collect();
    let more = if answer.body.chars().count() > keep {
        "…"
    } else {
        ""
    };
    writeln!(out, "  < {}{more}", body.trim_end())?;
    Ok(())
}

/// The service report; `root` is the workspace, `dir` the demo's fresh directory.
pub fn service_report(root: &Path, dir: &Path) -> Result<String> {
    let mut out = String::new();
    writeln!(
        out,
        "── medplug serve · two clinics over HTTP, a 403, a 429, the metrics, a clean stop ──"
    )?;
    let medplug = build_medplug(false)?;
    let dir = dir.join("service");
    std::fs::create_dir_all(&dir)?;
    // The default policy, its files in this directory, and 3 claims extractions a minute.
    let policy = std::fs::read_to_string(root.join("medplug.toml"))?
        .replace("\"target/medplug/", "\"")
        .replace(
            "[plugins.claims-extractor]\n",
            "[plugins.claims-extractor]\nquotas = { calls = 3, period_seconds = 60 }\n",
        );
    if !policy.contains("calls = 3,") {
        bail!("medplug.toml has no [plugins.claims-extractor] table for the demo's quota");
    }
    std::fs::write(dir.join("medplug.toml"), policy)?;
    let plugins = root.join("target/plugins");
    let service = ServiceProcess::start(&medplug, &dir, &plugins, &[])?;
    let ana = service.key(&[
        "tenant-key",
        "new",
        "clinica-horizonte",
        "--label",
        "dr.ana",
    ])?;
    let bruno = service.key(&["tenant-key", "new", "cardio-sul", "--label", "dr.bruno"])?;
    writeln!(
        out,
        "  default policy, a quota of 3 claims extractions a minute; `medplug tenant-key new` made"
    )?;
    writeln!(
        out,
        "  {} for clinica-horizonte (dr.ana) and {} for cardio-sul (dr.bruno)",
        short(&ana),
        short(&bruno)
    )?;
    writeln!(out, "  MEDPLUG={}", service.base)?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let base = &service.base;
    let note = format!(r#"{{"content":"{NOTE}"}}"#);

    // Two clinics call the LGPD analyzer; each sees its own catalogue.
    for key in [&ana, &bruno] {
        let path = "/v1/plugins/lgpd-analyzer/analyze";
        let answer = request(
            &agent,
            "POST",
            &format!("{base}{path}"),
            Some(key),
            Some(&note),
        )?;
        show(&mut out, "POST", path, Some(key), Some(&note), &answer)?;
        if answer.status != 200 {
            bail!("the LGPD call answered {}: {}", answer.status, answer.body);
        }
    }
    let answer = request(
        &agent,
        "GET",
        &format!("{base}/v1/plugins"),
        Some(&bruno),
        None,
    )?;
    let listed: serde_json::Value = serde_json::from_str(&answer.body)?;
    writeln!(
        out,
        "  GET /v1/plugins as cardio-sul: {}",
        listed["plugins"]
            .as_array()
            .map(|plugins| {
                plugins
                    .iter()
                    .filter_map(|p| {
                        Some(format!(
                            "{}@{}",
                            p["plugin"].as_str()?,
                            p["version"].as_str()?
                        ))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    )?;

    // 403: a clinic's key on the administrator's endpoints.
    let path = "/v1/admin/plugins";
    let answer = request(&agent, "GET", &format!("{base}{path}"), Some(&bruno), None)?;
    show(&mut out, "GET", path, Some(&bruno), None, &answer)?;
    if answer.status != 403 {
        bail!(
            "a tenant's key on the admin endpoint answered {}",
            answer.status
        );
    }

    // 429: the fourth claims extraction within the minute.
    let path = "/v1/plugins/claims-extractor/extract";
    let claim = r#"{"content":"Reduz o risco de infarto em 50%."}"#;
    let mut refused = None;
    for _ in 0..4 {
        let answer = request(
            &agent,
            "POST",
            &format!("{base}{path}"),
            Some(&ana),
            Some(claim),
        )?;
        if answer.status == 429 {
            refused = Some(answer);
            break;
        }
        if answer.status != 200 {
            bail!(
                "the claims call answered {}: {}",
                answer.status,
                answer.body
            );
        }
    }
    let refused = refused.context("no 429 after 3 claims extractions")?;
    writeln!(out, "  (3 claims extractions answered 200; the fourth:)")?;
    show(&mut out, "POST", path, Some(&ana), Some(claim), &refused)?;

    // The metrics: calls by tenant and outcome, the quota refusal.
    let metrics = request(&agent, "GET", &format!("{base}/metrics"), None, None)?;
    writeln!(out, "  $ curl $MEDPLUG/metrics | grep …")?;
    for line in metrics.body.lines().filter(|l| {
        l.starts_with("medplug_plugin_calls_total{") || l.starts_with("medplug_quota_rejections")
    }) {
        writeln!(out, "  {line}")?;
    }

    let (code, rest) = service.stop()?;
    let stopped = rest
        .lines()
        .find(|l| l.contains("stopped after"))
        .unwrap_or_default();
    writeln!(
        out,
        "  SIGTERM → exit {}: {stopped}",
        code.map_or("?".to_owned(), |c| c.to_string())
    )?;
    if code != Some(0) {
        bail!("medplug serve exited with {code:?}");
    }
    let verified = std::process::Command::new(&medplug)
        .args(["--policy", "medplug.toml", "audit", "verify"])
        .current_dir(&dir)
        .output()?;
    if !verified.status.success() {
        bail!(
            "medplug audit verify: {}",
            String::from_utf8_lossy(&verified.stderr)
        );
    }
    writeln!(
        out,
        "  $ medplug audit verify → {}",
        String::from_utf8_lossy(&verified.stdout).trim()
    )?;
    Ok(out)
}
