//! `deploy/` agrees with what `medplug serve` really serves: every Kubernetes manifest parses
//! and is labelled; the Deployment's arguments are real `medplug` flags — the binary runs with
//! them on loopback (policy and plugins swapped for the test's, addresses for port 0) and answers
//! the probes' paths; ports, probes, the Service and the NetworkPolicy name the port serve
//! listens on; the pod is hardened and bounded; the volumes hold what the arguments and the
//! policy read; the ConfigMap's policy passes the host's own parser; the Dockerfile exposes,
//! runs and copies what the Deployment uses. Needs `cargo xtask build-plugins` first (the
//! running service serves the reference plugins, as `tests/serve.rs` does).

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail, ensure};
use medplug_host::Policy;
use medplug_host::policy::StoreLocation;
use serde::Deserialize;
use serde_norway::Value;

#[allow(dead_code)]
mod service;

use service::{Service, Setup, client, get, root};

/// The label every object of the deployment carries.
const NAME_LABEL: &str = "app.kubernetes.io/name";

/// One YAML document of `deploy/kubernetes/`, with the file it came from.
struct Manifest {
    file: String,
    doc: Value,
}

/// Every document of every `*.yaml` in `deploy/kubernetes/`, files in name order.
fn manifests() -> Result<Vec<Manifest>> {
    let dir = root().join("deploy/kubernetes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| dir.display().to_string())?
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"));
    files.sort();
    ensure!(!files.is_empty(), "no manifests in {}", dir.display());
    let mut all = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path)?;
        let file = path
            .file_name()
            .context("name")?
            .to_string_lossy()
            .into_owned();
        ensure!(
            text.starts_with('#'),
            "{file} must open with a comment saying what it is"
        );
        for document in serde_norway::Deserializer::from_str(&text) {
            let doc = Value::deserialize(document).with_context(|| file.clone())?;
            if !doc.is_null() {
                all.push(Manifest {
                    file: file.clone(),
                    doc,
                });
            }
        }
    }
    Ok(all)
}

/// The object of that kind and name.
fn object<'a>(all: &'a [Manifest], kind: &str, name: &str) -> Result<&'a Value> {
    let mut found = all
        .iter()
        .filter(|m| m.doc["kind"].as_str() == Some(kind))
        .filter(|m| m.doc["metadata"]["name"].as_str() == Some(name));
    let first = found
        .next()
        .with_context(|| format!("no {kind} `{name}` in deploy/kubernetes/"))?;
    ensure!(found.next().is_none(), "two {kind} `{name}`");
    Ok(&first.doc)
}

fn text<'a>(value: &'a Value, what: &str) -> Result<&'a str> {
    value.as_str().with_context(|| format!("{what}: {value:?}"))
}

fn number(value: &Value, what: &str) -> Result<u64> {
    value.as_u64().with_context(|| format!("{what}: {value:?}"))
}

fn list(value: &Value) -> &[Value] {
    value.as_sequence().map_or(&[][..], Vec::as_slice)
}

/// The Deployment `medplug`, its pod spec and its one container.
struct Pod<'a> {
    deployment: &'a Value,
    spec: &'a Value,
    container: &'a Value,
    args: Vec<String>,
}

impl<'a> Pod<'a> {
    fn of(all: &'a [Manifest]) -> Result<Self> {
        let deployment = object(all, "Deployment", "medplug")?;
        let spec = &deployment["spec"]["template"]["spec"];
        let containers = list(&spec["containers"]);
        ensure!(containers.len() == 1, "one container: {containers:?}");
        let container = &containers[0];
        let args = list(&container["args"])
            .iter()
            .map(|a| text(a, "an argument").map(str::to_owned))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            deployment,
            spec,
            container,
            args,
        })
    }

    /// The arguments before `serve` (global flags) and after it (serve's).
    fn split_args(&self) -> Result<(&[String], &[String])> {
        let at = self
            .args
            .iter()
            .position(|a| a == "serve")
            .context("the container's args run `serve`")?;
        Ok((&self.args[..at], &self.args[at + 1..]))
    }

    /// A flag's value in the arguments (`--flag VALUE` or `--flag=VALUE`).
    fn flag(&self, name: &str) -> Option<&str> {
        flag(&self.args, name)
    }

    /// The container port whose number is `port`.
    fn container_port(&self, port: u16) -> Result<&'a Value> {
        list(&self.container["ports"])
            .iter()
            .find(|p| p["containerPort"].as_u64() == Some(u64::from(port)))
            .with_context(|| format!("no containerPort {port}"))
    }

    /// The mount at `path` and the volume it mounts.
    fn mount(&self, path: &Path) -> Result<(&'a Value, &'a Value)> {
        let mount = list(&self.container["volumeMounts"])
            .iter()
            .find(|m| m["mountPath"].as_str().map(Path::new) == Some(path))
            .with_context(|| format!("nothing is mounted at {}", path.display()))?;
        let name = text(&mount["name"], "a mount's volume")?;
        let volume = list(&self.spec["volumes"])
            .iter()
            .find(|v| v["name"].as_str() == Some(name))
            .with_context(|| format!("no volume `{name}`"))?;
        Ok((mount, volume))
    }
}

fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let prefix = format!("{name}=");
    args.iter().enumerate().find_map(|(i, a)| {
        if a == name {
            args.get(i + 1).map(String::as_str)
        } else {
            a.strip_prefix(&prefix)
        }
    })
}

fn port_of(address: &str) -> Result<u16> {
    let address: std::net::SocketAddr = address.parse().with_context(|| address.to_owned())?;
    Ok(address.port())
}

/// Whether a probe's or a Service's port (a number or a name) designates `container_port`.
fn designates(port: &Value, container_port: &Value) -> bool {
    match port.as_str() {
        Some(name) => container_port["name"].as_str() == Some(name),
        None => {
            port.as_u64().is_some() && port.as_u64() == container_port["containerPort"].as_u64()
        }
    }
}

/// `medplug ARGS`' status and output.
fn medplug(args: &[&str]) -> Result<(bool, String)> {
    let out = Command::new(env!("CARGO_BIN_EXE_medplug"))
        .args(args)
        .env_remove("MEDPLUG_POLICY")
        .env_remove("MEDPLUG_PLUGINS")
        .output()?;
    Ok((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

/// serve's default for `--shutdown-grace-ms`, as its `--help` states it.
fn default_shutdown_grace_ms() -> Result<u64> {
    let (ok, help) = medplug(&["serve", "--help"])?;
    ensure!(ok, "{help}");
    let option = help
        .split("--shutdown-grace-ms")
        .nth(1)
        .context("serve has --shutdown-grace-ms")?;
    let default = option
        .split("[default: ")
        .nth(1)
        .and_then(|d| d.split(']').next())
        .context("--shutdown-grace-ms states its default")?;
    Ok(default.parse()?)
}

/// The ConfigMap's policy text and the path `--policy` reads it from.
fn configmap_policy<'a>(all: &'a [Manifest], pod: &Pod<'_>) -> Result<(&'a str, PathBuf)> {
    let path = PathBuf::from(pod.flag("--policy").context("--policy")?);
    let (mount, volume) = pod.mount(path.parent().context("the policy's directory")?)?;
    ensure!(mount["readOnly"].as_bool() == Some(true), "{mount:?}");
    let map = text(
        &volume["configMap"]["name"],
        "the policy volume's ConfigMap",
    )?;
    let file = path.file_name().context("file")?.to_string_lossy();
    let items = list(&volume["configMap"]["items"]);
    ensure!(
        items.is_empty() || items.iter().any(|i| i["path"].as_str() == Some(&*file)),
        "the ConfigMap volume puts no {file} in the policy's directory"
    );
    let key = items
        .iter()
        .find(|i| i["path"].as_str() == Some(&*file))
        .map_or(Ok(&*file), |i| text(&i["key"], "item key"))?;
    let policy = text(
        &object(all, "ConfigMap", map)?["data"][key],
        "the ConfigMap's policy",
    )?;
    Ok((policy, path))
}

/// The policy without its `[storage]` table (the test service brings its own: SQLite files in
/// its directory), and without `[phi_key]` (likewise).
fn without_storage(policy: &str) -> String {
    let mut kept = String::new();
    let mut skipping = false;
    for line in policy.lines() {
        let header = line.trim_start();
        if header.starts_with('[') {
            skipping = header.starts_with("[storage]") || header.starts_with("[phi_key]");
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    kept
}

#[test]
fn every_manifest_parses_is_labelled_and_listed() -> Result<()> {
    let all = manifests()?;
    let mut listed = BTreeSet::new();
    let mut files = BTreeSet::new();
    for Manifest { file, doc } in &all {
        let kind = text(&doc["kind"], file)?;
        ensure!(doc["apiVersion"].as_str().is_some(), "{file}: apiVersion");
        if kind == "Kustomization" {
            for resource in list(&doc["resources"]) {
                listed.insert(text(resource, "a resource")?.to_owned());
            }
            continue;
        }
        files.insert(file.clone());
        let name = text(&doc["metadata"]["name"], file)?;
        ensure!(
            doc["metadata"]["labels"][NAME_LABEL].as_str() == Some("medplug"),
            "{file}: {kind} {name} has no {NAME_LABEL}: medplug label"
        );
        if kind != "Namespace" {
            ensure!(
                doc["metadata"]["namespace"].as_str() == Some("medplug"),
                "{file}: {kind} {name} is not in the namespace medplug"
            );
        }
        if kind == "Secret" {
            // Only an example, with a placeholder, is shipped: never a real secret.
            ensure!(
                file.contains(".example."),
                "{file}: a Secret in the manifests"
            );
            for (_, value) in doc["stringData"].as_mapping().context("stringData")? {
                ensure!(
                    text(value, file)?.contains("placeholder"),
                    "{file}: the example's values must be placeholders"
                );
            }
        }
    }
    object(&all, "Namespace", "medplug")?;
    // kustomization.yaml lists every manifest but the example Secret.
    let expected: BTreeSet<String> = files
        .into_iter()
        .filter(|f| !f.contains(".example."))
        .collect();
    ensure!(
        listed == expected,
        "kustomization.yaml lists {listed:?}, the directory holds {expected:?}"
    );
    Ok(())
}

#[test]
fn the_deployment_is_three_replicas_serving_on_one_named_port() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    ensure!(number(&pod.deployment["spec"]["replicas"], "replicas")? == 3);
    let labels = &pod.deployment["spec"]["template"]["metadata"]["labels"];
    ensure!(labels[NAME_LABEL].as_str() == Some("medplug"));
    ensure!(
        pod.deployment["spec"]["selector"]["matchLabels"][NAME_LABEL].as_str() == Some("medplug")
    );

    // The image's ENTRYPOINT runs: no `command` replaces it (the Dockerfile test checks it).
    ensure!(pod.container["command"].is_null(), "the image's ENTRYPOINT");
    let (globals, serve) = pod.split_args()?;
    for (i, arg) in globals.iter().enumerate().step_by(2) {
        ensure!(
            ["--policy", "--plugins"].contains(&arg.as_str()) && globals.get(i + 1).is_some(),
            "global arguments are --policy FILE --plugins DIR, found {globals:?}"
        );
    }
    ensure!(
        serve.iter().any(|a| a == "--watch"),
        "hot reload of the plugins volume"
    );

    // Ports: serve's --listen is the container port `http` the probes and the Service name.
    let listen = port_of(pod.flag("--listen").context("--listen")?)?;
    let http = pod.container_port(listen)?;
    ensure!(http["name"].as_str().is_some(), "the API's port is named");
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        let port = &pod.container[probe]["httpGet"]["port"];
        if probe == "startupProbe" && port.is_null() {
            continue;
        }
        ensure!(
            port.as_str().is_some() && designates(port, http),
            "{probe} names the port serve listens on ({listen}), found {port:?}"
        );
    }
    let service = object(&all, "Service", "medplug")?;
    ensure!(
        service["spec"]["type"]
            .as_str()
            .is_none_or(|t| t == "ClusterIP")
    );
    ensure!(service["spec"]["selector"][NAME_LABEL].as_str() == Some("medplug"));
    let service_ports = list(&service["spec"]["ports"]);
    ensure!(
        service_ports
            .iter()
            .any(|p| p["port"].as_u64() == Some(8700) && designates(&p["targetPort"], http)),
        "Service port 8700 → the container's port {listen}: {service_ports:?}"
    );
    if let Some(metrics) = pod.flag("--metrics-listen") {
        let port = pod.container_port(port_of(metrics)?)?;
        let annotation =
            &pod.deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"];
        ensure!(
            annotation.is_null()
                || annotation.as_str().map(str::parse::<u64>).transpose()?
                    == port["containerPort"].as_u64(),
            "the scrape annotation names the metrics port"
        );
    }

    Ok(())
}

#[test]
fn the_deployment_is_hardened_bounded_and_keeps_its_password_in_a_secret() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    // Hardened.
    let security = &pod.container["securityContext"];
    let pod_security = &pod.spec["securityContext"];
    let either = |field: &str| {
        if security[field].is_null() {
            &pod_security[field]
        } else {
            &security[field]
        }
    };
    ensure!(security["readOnlyRootFilesystem"].as_bool() == Some(true));
    ensure!(security["allowPrivilegeEscalation"].as_bool() == Some(false));
    ensure!(either("runAsNonRoot").as_bool() == Some(true));
    let user = number(either("runAsUser"), "runAsUser")?;
    ensure!(user != 0, "runAsUser {user}");
    ensure!(number(either("runAsGroup"), "runAsGroup")? != 0);
    ensure!(
        list(&security["capabilities"]["drop"])
            .iter()
            .any(|c| c.as_str() == Some("ALL")),
        "capabilities drop ALL"
    );
    ensure!(either("seccompProfile")["type"].as_str() == Some("RuntimeDefault"));

    // Bounded.
    for bound in ["requests", "limits"] {
        for resource in ["cpu", "memory"] {
            ensure!(
                !pod.container["resources"][bound][resource].is_null(),
                "resources.{bound}.{resource}"
            );
        }
    }

    // The password from a Secret, never a value.
    let password = list(&pod.container["env"])
        .iter()
        .find(|e| e["name"].as_str() == Some("PGPASSWORD"))
        .context("PGPASSWORD")?;
    ensure!(password["value"].is_null(), "PGPASSWORD in clear");
    let reference = &password["valueFrom"]["secretKeyRef"];
    let (secret, key) = (
        text(&reference["name"], "secretKeyRef.name")?,
        text(&reference["key"], "secretKeyRef.key")?,
    );
    let example = object(&all, "Secret", secret)?;
    ensure!(
        !example["stringData"][key].is_null(),
        "the example Secret shows the key {key}"
    );

    Ok(())
}

#[test]
fn the_deployment_mounts_read_only_and_stops_within_its_grace() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    let (_, serve) = pod.split_args()?;
    // The plugins: the PVC, read-only, exactly where --plugins points.
    let plugins = Path::new(pod.flag("--plugins").context("--plugins")?);
    let (mount, volume) = pod.mount(plugins)?;
    ensure!(mount["readOnly"].as_bool() == Some(true), "{mount:?}");
    let claim = text(
        &volume["persistentVolumeClaim"]["claimName"],
        "the plugins volume's claim",
    )?;
    ensure!(claim == "medplug-plugins");
    let pvc = object(&all, "PersistentVolumeClaim", claim)?;
    ensure!(
        list(&pvc["spec"]["accessModes"])
            .iter()
            .any(|m| m.as_str() == Some("ReadOnlyMany"))
    );
    // The policy: the ConfigMap's key, read-only, where --policy points.
    configmap_policy(&all, &pod)?;

    // SIGTERM: preStop's wait, then serve's grace for calls in flight, within the pod's grace.
    let grace_ms = match flag(serve, "--shutdown-grace-ms") {
        Some(ms) => ms.parse()?,
        None => default_shutdown_grace_ms()?,
    };
    let pre_stop = list(&pod.container["lifecycle"]["preStop"]["exec"]["command"]);
    let pre_stop_ms = match pre_stop {
        [sleep, seconds] if sleep.as_str().is_some_and(|s| s.ends_with("/sleep")) => {
            text(seconds, "sleep's seconds")?.parse::<u64>()? * 1000
        }
        [] => 0,
        other => bail!("preStop {other:?}: a sleep only"),
    };
    let termination = number(
        &pod.spec["terminationGracePeriodSeconds"],
        "terminationGracePeriodSeconds",
    )?;
    ensure!(
        termination * 1000 > pre_stop_ms + grace_ms,
        "terminationGracePeriodSeconds {termination} ≤ preStop {pre_stop_ms} ms + \
         --shutdown-grace-ms {grace_ms}"
    );

    let budget = all
        .iter()
        .find(|m| m.doc["kind"].as_str() == Some("PodDisruptionBudget"));
    if let Some(budget) = budget {
        ensure!(number(&budget.doc["spec"]["minAvailable"], "minAvailable")? < 3);
    }
    Ok(())
}

#[test]
fn the_network_policy_admits_the_service_ports_and_reaches_only_postgres_and_dns() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    let policy = object(&all, "NetworkPolicy", "medplug")?;
    let spec = &policy["spec"];
    ensure!(spec["podSelector"]["matchLabels"][NAME_LABEL].as_str() == Some("medplug"));
    let types: BTreeSet<&str> = list(&spec["policyTypes"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    ensure!(types == BTreeSet::from(["Ingress", "Egress"]), "{types:?}");

    let ports_of = |rule: &Value| -> Result<Vec<(String, u64)>> {
        let ports = list(&rule["ports"]);
        ensure!(
            !ports.is_empty(),
            "a rule without ports allows every port: {rule:?}"
        );
        ports
            .iter()
            .map(|p| {
                Ok((
                    p["protocol"].as_str().unwrap_or("TCP").to_owned(),
                    number(&p["port"], "a numeric port")?,
                ))
            })
            .collect()
    };

    // In: serve's API port, and its metrics port when it has one.
    let mut expected = BTreeSet::from([(
        "TCP".to_owned(),
        u64::from(port_of(pod.flag("--listen").context("--listen")?)?),
    )]);
    if let Some(metrics) = pod.flag("--metrics-listen") {
        expected.insert(("TCP".to_owned(), u64::from(port_of(metrics)?)));
    }
    let mut admitted = BTreeSet::new();
    for rule in list(&spec["ingress"]) {
        admitted.extend(ports_of(rule)?);
    }
    ensure!(
        admitted == expected,
        "ingress {admitted:?}, serve listens on {expected:?}"
    );

    // Out: PostgreSQL's pods on 5432, kube-dns on 53 (UDP and TCP), nothing else.
    let mut reached = BTreeSet::new();
    for rule in list(&spec["egress"]) {
        let ports = ports_of(rule)?;
        let to = list(&rule["to"]);
        ensure!(!to.is_empty(), "an egress rule to anywhere: {rule:?}");
        for (protocol, port) in &ports {
            let peer_label = match port {
                5432 => ("app.kubernetes.io/name", "postgresql"),
                53 => ("k8s-app", "kube-dns"),
                other => bail!("egress to port {other}"),
            };
            ensure!(
                to.iter().all(
                    |peer| peer["podSelector"]["matchLabels"][peer_label.0].as_str()
                        == Some(peer_label.1)
                ),
                "port {port} reaches pods other than {peer_label:?}: {to:?}"
            );
            reached.insert((protocol.clone(), *port));
        }
    }
    let expected = BTreeSet::from([
        ("TCP".to_owned(), 5432),
        ("UDP".to_owned(), 53),
        ("TCP".to_owned(), 53),
    ]);
    ensure!(reached == expected, "egress {reached:?}");
    Ok(())
}

#[test]
fn the_configmap_policy_passes_the_host_parser_and_its_files_are_mounted() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    let (text, path) = configmap_policy(&all, &pod)?;
    // `[storage] audit` and `patients`: PostgreSQL URLs (issue 22)
    let policy = Policy::parse(text, "configmap.yaml", path.parent().context("dir")?)?;
    for (what, store) in [("audit", &policy.audit), ("patients", &policy.patients)] {
        let Some(StoreLocation::Postgres(url)) = store else {
            bail!("[storage] {what} is not on PostgreSQL: {store:?}");
        };
        // The NetworkPolicy lets the pods reach 5432 only.
        let authority = url.as_str().split('/').nth(2).context("the URL's host")?;
        let port = authority.rsplit_once(':').map_or("5432", |(_, p)| p);
        ensure!(port == "5432", "[storage] {what} on port {port}");
    }
    ensure!(!policy.tenants.is_empty() && !policy.plugins.is_empty());

    // The keys file: a Secret's key, mounted read-only in the directory the policy names.
    let keys = policy.api_keys.context("[storage] api_keys")?;
    let (mount, volume) = pod.mount(keys.parent().context("the keys' directory")?)?;
    ensure!(mount["readOnly"].as_bool() == Some(true), "{mount:?}");
    ensure!(
        mount["subPath"].is_null(),
        "a subPath mount never sees the Secret change"
    );
    let file = keys.file_name().context("file")?.to_string_lossy();
    let secret = &volume["secret"];
    ensure!(secret["secretName"].as_str().is_some(), "{volume:?}");
    let items = list(&secret["items"]);
    ensure!(
        items.is_empty() || items.iter().any(|i| i["path"].as_str() == Some(&*file)),
        "the Secret volume puts no {file} in {}",
        keys.display()
    );
    Ok(())
}

#[test]
fn the_deployment_args_run_the_real_service_and_answer_its_probes() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    let args: Vec<&str> = pod.args.iter().map(String::as_str).collect();

    // The arguments exactly as the manifest has them: clap reads every one before `--help`.
    let (ok, out) = medplug(&[&args[..], &["--help"]].concat())?;
    ensure!(
        ok && out.contains("Usage: medplug serve"),
        "{args:?}: {out}"
    );

    // Then the real service: the test's policy (the ConfigMap's, with SQLite storage in the
    // service's directory instead of PostgreSQL) and the reference plugins it enables, on
    // loopback. Global flags may follow `serve` (they are global); paths are relative to the
    // service's directory.
    let (policy_text, _) = configmap_policy(&all, &pod)?;
    let policy_text = without_storage(policy_text);
    let scratch = tempfile::tempdir()?;
    let test_policy = Policy::parse(&policy_text, "test policy", scratch.path())?;
    let modules: Vec<(String, String)> = test_policy
        .plugins
        .keys()
        .map(|p| (format!("{p}.wasm"), format!("plugins/{p}.wasm")))
        .collect();
    let modules: Vec<(&str, &str)> = modules
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let (globals, serve) = pod.split_args()?;
    let mut run: Vec<String> = Vec::new();
    for pair in globals.chunks(2) {
        let value = match pair[0].as_str() {
            "--policy" => "medplug.toml",
            "--plugins" => "plugins",
            other => bail!("unexpected global flag {other}"),
        };
        run.extend([pair[0].clone(), value.to_owned()]);
    }
    let metrics = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
    let mut rest = serve.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            // The service helper listens on 127.0.0.1:0 itself.
            "--listen" => {
                rest.next();
            }
            "--metrics-listen" => {
                rest.next();
                run.extend([arg.clone(), metrics.to_string()]);
            }
            _ => run.push(arg.clone()),
        }
    }
    let run: Vec<&str> = run.iter().map(String::as_str).collect();
    let mut service = Service::start(&Setup {
        modules: &modules,
        policy: &policy_text,
        args: &run,
    })?;

    let agent = client();
    let base = service.base.as_str();
    for probe in ["readinessProbe", "livenessProbe", "startupProbe"] {
        let Some(path) = pod.container[probe]["httpGet"]["path"].as_str() else {
            ensure!(probe == "startupProbe", "{probe} has no httpGet path");
            continue;
        };
        let answer = get(&agent, base, path, None)?;
        ensure!(answer.status == 200, "{probe} {path}: {answer:?}");
    }
    let metrics_flag = pod.flag("--metrics-listen").is_some();
    if metrics_flag {
        // /metrics left the API's port for its own.
        ensure!(get(&agent, base, "/metrics", None)?.status == 404);
        let scraped = get(&agent, &format!("http://{metrics}"), "/metrics", None)?;
        ensure!(scraped.status == 200, "{scraped:?}");
    }
    drop(agent);
    let (code, out) = service.stop("TERM")?;
    ensure!(
        code == Some(0),
        "serve exited {code:?} after SIGTERM: {out}"
    );
    if serve.iter().any(|a| a == "--watch") {
        ensure!(out.contains("watching the plugins directory"), "{out}");
    }
    if metrics_flag {
        ensure!(
            out.contains(&format!("metrics on http://{metrics}/metrics")),
            "{out}"
        );
    }
    if let Some(workers) = pod.flag("--workers") {
        ensure!(out.contains(&format!("{workers} workers")), "{out}");
    }
    ensure!(out.contains("medplug serve: stopped after"), "{out}");
    Ok(())
}

/// deploy/Dockerfile's instructions: each keyword and the rest, continuation lines joined.
struct Dockerfile(Vec<(String, String)>);

impl Dockerfile {
    fn read() -> Result<Self> {
        dockerfile().map(Self)
    }

    /// The rest of every `keyword` instruction, in order.
    fn all_of(&self, keyword: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == keyword)
            .map(|(_, rest)| rest.as_str())
            .collect()
    }

    /// The rest of the last `keyword` instruction (the one in force).
    fn last(&self, keyword: &str) -> Option<String> {
        self.all_of(keyword).last().copied().map(str::to_owned)
    }
}

/// One Dockerfile instruction: its keyword and the rest, continuation lines joined.
fn dockerfile() -> Result<Vec<(String, String)>> {
    let text = std::fs::read_to_string(root().join("deploy/Dockerfile"))?;
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if current.is_empty() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (keyword, rest) = current.split_once(' ').unwrap_or((&current, ""));
                instructions.push((keyword.to_ascii_uppercase(), rest.trim().to_owned()));
                current.clear();
            }
        }
    }
    Ok(instructions)
}

fn exec_form(rest: &str) -> Result<Vec<String>> {
    serde_json::from_str(rest).with_context(|| format!("not the exec form: {rest}"))
}

#[test]
fn the_dockerfile_builds_in_stages_and_exposes_and_runs_as_the_deployment() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    let file = Dockerfile::read()?;
    let all_of = |keyword: &str| file.all_of(keyword);
    let last = |keyword: &str| file.last(keyword);

    // Stages: the toolchain rust-toolchain.toml names, the same Debian release at run time.
    let stages = all_of("FROM");
    ensure!(stages.len() >= 2, "a multi-stage build: {stages:?}");
    let toolchain = std::fs::read_to_string(root().join("rust-toolchain.toml"))?;
    let channel = toolchain
        .lines()
        .find_map(|l| l.trim().strip_prefix("channel = "))
        .context("channel")?
        .trim_matches('"');
    let minor: String = channel.split('.').take(2).collect::<Vec<_>>().join(".");
    let builder = stages[0];
    ensure!(
        builder.starts_with(&format!("rust:{minor}")),
        "the builder {builder} is not Rust {minor}"
    );
    let release = builder
        .split([' ', '-'])
        .find(|part| ["bookworm", "trixie", "bullseye"].contains(part))
        .context("the builder's Debian release")?;
    let runtime = stages[stages.len() - 1];
    ensure!(
        runtime.starts_with(&format!("debian:{release}")),
        "the runtime {runtime} is not Debian {release} (glibc)"
    );
    let runs = all_of("RUN").join("\n");
    for step in [
        "rustup target add wasm32-unknown-unknown",
        "cargo build --release",
        "-p medplug-cli",
        "cargo xtask build-plugins",
    ] {
        ensure!(runs.contains(step), "the builder does not run `{step}`");
    }

    // EXPOSE: every container port.
    let exposed: BTreeSet<u64> = all_of("EXPOSE")
        .iter()
        .flat_map(|e| e.split_whitespace())
        .map(|p| p.trim_end_matches("/tcp").parse())
        .collect::<Result<_, _>>()?;
    for port in list(&pod.container["ports"]) {
        let port = number(&port["containerPort"], "containerPort")?;
        ensure!(exposed.contains(&port), "EXPOSE {exposed:?} lacks {port}");
    }

    // USER: numeric, not root, the Deployment's runAsUser (and group).
    let user = last("USER").context("USER")?;
    let (uid, gid) = user.split_once(':').unwrap_or((&user, ""));
    let uid: u64 = uid
        .parse()
        .with_context(|| format!("USER {user} is not numeric"))?;
    ensure!(uid != 0, "USER root");
    let security = |field: &str| {
        let own = &pod.container["securityContext"][field];
        if own.is_null() {
            pod.spec["securityContext"][field].as_u64()
        } else {
            own.as_u64()
        }
    };
    ensure!(Some(uid) == security("runAsUser"), "USER {uid} ≠ runAsUser");
    if !gid.is_empty() {
        ensure!(
            Some(gid.parse()?) == security("runAsGroup"),
            "USER's group ≠ runAsGroup"
        );
    }

    Ok(())
}

#[test]
fn the_dockerfile_runs_the_binary_and_plugins_it_built_as_the_deployment_does() -> Result<()> {
    let all = manifests()?;
    let pod = Pod::of(&all)?;
    let file = Dockerfile::read()?;
    let all_of = |keyword: &str| file.all_of(keyword);
    let last = |keyword: &str| file.last(keyword);
    // ENTRYPOINT: the `medplug` binary, built by this package and copied there.
    let entrypoint = exec_form(&last("ENTRYPOINT").context("ENTRYPOINT")?)?;
    ensure!(entrypoint.len() == 1, "ENTRYPOINT {entrypoint:?}");
    let binary = Path::new(env!("CARGO_BIN_EXE_medplug"))
        .file_stem()
        .context("binary")?
        .to_string_lossy()
        .into_owned();
    ensure!(
        Path::new(&entrypoint[0])
            .file_name()
            .and_then(|n| n.to_str())
            == Some(binary.as_str()),
        "ENTRYPOINT {entrypoint:?} is not `{binary}`"
    );
    let copies = all_of("COPY");
    let copy_to = |source: &str| {
        copies.iter().find_map(|c| {
            let words: Vec<&str> = c.split_whitespace().collect();
            let (to, from) = words.split_last()?;
            from.iter()
                .any(|f| f.trim_end_matches('/').ends_with(source))
                .then(|| to.trim_end_matches('/').to_owned())
        })
    };
    ensure!(
        copy_to(&format!("target/release/{binary}")).as_deref() == Some(entrypoint[0].as_str()),
        "no COPY of target/release/{binary} to {}",
        entrypoint[0]
    );

    // CMD: serves the plugins the image carries (from target/plugins, where `cargo xtask
    // build-plugins` writes them) with the Deployment's own serve flags.
    let command = exec_form(&last("CMD").context("CMD")?)?;
    let plugins = copy_to("target/plugins").context("no COPY of target/plugins")?;
    ensure!(
        flag(&command, "--plugins") == Some(plugins.as_str()),
        "CMD {command:?} does not serve {plugins}"
    );
    let at = command
        .iter()
        .position(|a| a == "serve")
        .context("CMD serves")?;
    let (_, serve) = pod.split_args()?;
    ensure!(
        command[at + 1..] == *serve,
        "CMD's serve flags {:?} ≠ the Deployment's {serve:?}",
        &command[at + 1..]
    );

    // The build context leaves target/ out.
    let ignore = std::fs::read_to_string(root().join(".dockerignore"))?;
    ensure!(
        ignore
            .lines()
            .any(|l| l.trim().trim_start_matches('/') == "target/")
    );
    Ok(())
}
