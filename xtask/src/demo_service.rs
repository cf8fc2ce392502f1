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

/// The demo's HTTP client, keeping one connection to the service.
struct Client {
    agent: ureq::Agent,
    base: String,
}

/// A request: method, path, key and JSON body.
struct Request<'a> {
    method: &'a str,
    path: &'a str,
    key: Option<&'a str>,
    body: Option<&'a str>,
}

impl Client {
    fn new(base: &str) -> Self {
        Self {
            agent: ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build()
                .into(),
            base: base.to_owned(),
        }
    }

    /// Sends the request and reads the answer.
    fn send(&self, request: &Request<'_>) -> Result<Answer> {
        let Request {
            method,
            path,
            key,
            body,
        } = *request;
        let url = format!("{}{path}", self.base);
        let mut builder = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(key) = key {
            builder = builder.header("Authorization", format!("Bearer {key}"));
        }
        if body.is_some() {
            builder = builder.header("Content-Type", "application/json");
        }
        let mut response = self
            .agent
            .run(builder.body(body.unwrap_or_default().to_owned())?)
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

    /// Sends the request, shows it curl-like in `out`, and checks the answer's status.
    fn show(&self, out: &mut String, request: &Request<'_>, expected: u16) -> Result<Answer> {
        let answer = self.send(request)?;
        show(out, request, &answer)?;
        if answer.status != expected {
            bail!(
                "{} {} answered {}, not {expected}: {}",
                request.method,
                request.path,
                answer.status,
                answer.body
            );
        }
        Ok(answer)
    }
}

/// `mpk_0123…`: enough of a key to tell which one, never the secret.
fn short(key: &str) -> String {
    format!("{}…", &key[..key.len().min(12)])
}

/// Prints the request as a curl command line and the answer's status, headers and body.
fn show(out: &mut String, request: &Request<'_>, answer: &Answer) -> Result<()> {
    let mut line = format!("  $ curl -X {} $MEDPLUG{}", request.method, request.path);
    if let Some(key) = request.key {
        write!(line, " -H 'Authorization: Bearer {}'", short(key))?;
    }
    if let Some(body) = request.body {
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

/// The default policy, its files in `dir`, and 3 claims extractions a minute.
fn write_policy(root: &Path, dir: &Path) -> Result<()> {
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
    Ok(())
}

/// The plugins `key`'s tenant may call, as `name@version`.
fn catalogue(client: &Client, key: &str) -> Result<String> {
    let answer = client.send(&Request {
        method: "GET",
        path: "/v1/plugins",
        key: Some(key),
        body: None,
    })?;
    let listed: serde_json::Value = serde_json::from_str(&answer.body)?;
    let plugins = listed["plugins"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    Ok(plugins
        .iter()
        .filter_map(|p| {
            Some(format!(
                "{}@{}",
                p["plugin"].as_str()?,
                p["version"].as_str()?
            ))
        })
        .collect::<Vec<_>>()
        .join(", "))
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
    write_policy(root, &dir)?;
    let service = ServiceProcess::start(&medplug, &dir, &root.join("target/plugins"), &[])?;
    let new_key =
        |tenant: &str, label: &str| service.key(&["tenant-key", "new", tenant, "--label", label]);
    let ana = new_key("clinica-horizonte", "dr.ana")?;
    let bruno = new_key("cardio-sul", "dr.bruno")?;
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
    let client = Client::new(&service.base);

    // Two clinics call the LGPD analyzer; each sees its own catalogue.
    let note = format!(r#"{{"content":"{NOTE}"}}"#);
    for key in [&ana, &bruno] {
        let analyze = Request {
            method: "POST",
            path: "/v1/plugins/lgpd-analyzer/analyze",
            key: Some(key),
            body: Some(&note),
        };
        client.show(&mut out, &analyze, 200)?;
    }
    writeln!(
        out,
        "  GET /v1/plugins as cardio-sul: {}",
        catalogue(&client, &bruno)?
    )?;

    // 403: a clinic's key on the administrator's endpoints.
    let admin = Request {
        method: "GET",
        path: "/v1/admin/plugins",
        key: Some(&bruno),
        body: None,
    };
    client.show(&mut out, &admin, 403)?;

    quota_refusal(&mut out, &client, &ana)?;
    metrics_excerpt(&mut out, &client)?;
    stop_and_verify(&mut out, service, &medplug, &dir)?;
    Ok(out)
}

/// 429: the fourth claims extraction within the minute, for `key`'s clinic.
fn quota_refusal(out: &mut String, client: &Client, key: &str) -> Result<()> {
    let extract = Request {
        method: "POST",
        path: "/v1/plugins/claims-extractor/extract",
        key: Some(key),
        body: Some(r#"{"content":"Reduz o risco de infarto em 50%."}"#),
    };
    for _ in 0..3 {
        let answer = client.send(&extract)?;
        if answer.status != 200 {
            bail!(
                "the claims call answered {}: {}",
                answer.status,
                answer.body
            );
        }
    }
    writeln!(out, "  (3 claims extractions answered 200; the fourth:)")?;
    client.show(out, &extract, 429)?;
    Ok(())
}

/// The metrics: calls by tenant and outcome, the quota refusal.
fn metrics_excerpt(out: &mut String, client: &Client) -> Result<()> {
    let metrics = client.send(&Request {
        method: "GET",
        path: "/metrics",
        key: None,
        body: None,
    })?;
    writeln!(out, "  $ curl $MEDPLUG/metrics | grep …")?;
    for line in metrics.body.lines().filter(|l| {
        l.starts_with("medplug_plugin_calls_total{") || l.starts_with("medplug_quota_rejections")
    }) {
        writeln!(out, "  {line}")?;
    }
    Ok(())
}

/// SIGTERM, the exit code and the service's last word; then `medplug audit verify`.
fn stop_and_verify(
    out: &mut String,
    service: ServiceProcess,
    medplug: &Path,
    dir: &Path,
) -> Result<()> {
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
    let verified = std::process::Command::new(medplug)
        .args(["--policy", "medplug.toml", "audit", "verify"])
        .current_dir(dir)
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
    Ok(())
}
