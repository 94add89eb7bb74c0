package io.darner.agent;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The shipped deployment files (config/deploy/) cannot run here, so this test parses each one
 * and checks what would break a roll-out: a required agent flag gone, a probe on the wrong
 * port, a data dir that is not on the host, a secret mounted from a Secret that is not there.
 * Each test parses its file afresh, so a missing or broken file fails only that file's tests.
 */
class DeploymentFilesTest {

    /** Surefire runs in the module's basedir (agent/); the files live at the repository root. */
    private static final Path DEPLOY = Path.of("..", "config", "deploy");
    private static final List<String> REQUIRED_FLAGS =
            List.of("--supernode", "--room", "--data-dir", "--listen", "--control", "--secret-file");
    private static final String JAR = "/opt/darner/darner-agent.jar";
    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "localhost", "::1", "[::1]");

    @Test
    void readme_describes_every_deployment_file() {
        assertThat(read("README.md")).contains("agent/Dockerfile", "kubernetes/agent-daemonset.yaml",
                "systemd/darner-agent.service", "agent.env");
    }

    // ---- Kubernetes: kubernetes/agent-daemonset.yaml ----

    @Test
    void kubernetes_every_document_has_api_version_kind_and_name_and_no_namespace() {
        Manifest k8s = new Manifest();
        assertThat(k8s.documents).extracting(d -> d.get("kind")).contains("DaemonSet", "Secret", "ConfigMap");
        for (Map<String, Object> doc : k8s.documents) {
            assertThat(doc.get("apiVersion")).as("apiVersion of %s", doc).isInstanceOf(String.class);
            assertThat(doc.get("kind")).as("kind of %s", doc).isInstanceOf(String.class);
            Map<String, Object> metadata = map(doc.get("metadata"), "metadata of " + doc.get("kind"));
            assertThat(metadata.get("name")).as("metadata.name of %s", doc.get("kind"))
                    .isInstanceOf(String.class).asString().isNotBlank();
            assertThat(metadata).as("%s %s is namespace-free (kubectl apply -n NS)", doc.get("kind"), metadata.get("name"))
                    .doesNotContainKey("namespace");
        }
    }

    @Test
    void kubernetes_daemon_set_runs_on_every_node_on_the_host_network() {
        Manifest k8s = new Manifest();
        assertThat(k8s.daemonSet.get("apiVersion")).isEqualTo("apps/v1");
        Map<String, Object> matchLabels = map(at(k8s.daemonSet, "spec", "selector", "matchLabels"), "selector.matchLabels");
        Map<String, Object> podLabels = map(at(k8s.daemonSet, "spec", "template", "metadata", "labels"), "template labels");
        assertThat(podLabels).as("pod template labels match the selector").containsAllEntriesOf(matchLabels);

        assertThat(k8s.pod.get("hostNetwork")).as("hostNetwork").isEqualTo(true);
        assertThat(k8s.pod.get("dnsPolicy")).as("dnsPolicy").isEqualTo("ClusterFirstWithHostNet");
        assertThat(list(k8s.pod.get("tolerations"), "tolerations"))
                .as("a toleration of every taint (operator Exists, no key)")
                .anySatisfy(t -> {
                    Map<String, Object> toleration = map(t, "toleration");
                    assertThat(toleration.get("operator")).isEqualTo("Exists");
                    assertThat(toleration).doesNotContainKey("key");
                });
        assertThat(k8s.pod.get("terminationGracePeriodSeconds")).as("terminationGracePeriodSeconds")
                .isInstanceOfSatisfying(Integer.class, s -> assertThat(s).isPositive());
    }

    @Test
    void kubernetes_agent_container_gets_every_required_flag() {
        Manifest k8s = new Manifest();
        assertThat(k8s.agentArgs).as("agent command line").containsSubsequence("-jar", JAR, "agent");
        assertThat(k8s.agentArgs).as("agent command line").containsAll(REQUIRED_FLAGS);
        for (String flag : REQUIRED_FLAGS) {
            assertThat(flagValue(k8s.agentArgs, flag)).as("value of %s", flag).isNotBlank().doesNotStartWith("--");
        }
    }

    @Test
    void kubernetes_data_dir_and_allowed_dirs_are_host_paths_at_the_same_path() {
        Manifest k8s = new Manifest();
        String dataDir = flagValue(k8s.agentArgs, "--data-dir");
        assertThat(k8s.hostPathMountedAt(dataDir)).as("hostPath behind --data-dir").isEqualTo("/var/lib/darner");
        for (String allowed : flagValues(k8s.agentArgs, "--allow-dir")) {
            assertThat(k8s.hostPathMountedAt(allowed)).as("hostPath behind --allow-dir %s", allowed).isEqualTo(allowed);
        }
    }

    @Test
    void kubernetes_secret_file_is_mounted_from_the_cluster_secret_document() {
        Manifest k8s = new Manifest();
        String secretFile = flagValue(k8s.agentArgs, "--secret-file");
        Map<String, Object> mount = k8s.volumeMounts().stream()
                .filter(m -> secretFile.startsWith(m.get("mountPath") + "/"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume mounted above --secret-file " + secretFile));
        Map<String, Object> secretVolume = map(k8s.volume((String) mount.get("name")).get("secret"),
                "volume " + mount.get("name") + " as a Secret volume");
        String secretName = (String) secretVolume.get("secretName");
        assertThat(secretName).as("secretName of the volume behind --secret-file").isEqualTo("darner-cluster-secret");

        String fileName = secretFile.substring(((String) mount.get("mountPath")).length() + 1);
        String key = secretVolume.get("items") == null ? fileName
                : list(secretVolume.get("items"), "secret items").stream()
                        .map(i -> map(i, "secret item"))
                        .filter(i -> fileName.equals(i.get("path")))
                        .map(i -> (String) i.get("key"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no item of the Secret volume gives file " + fileName));

        Map<String, Object> secret = k8s.document("Secret", secretName);
        Map<String, Object> keys = new LinkedHashMap<>();
        Optional.ofNullable(secret.get("data")).ifPresent(d -> keys.putAll(map(d, "Secret data")));
        Optional.ofNullable(secret.get("stringData")).ifPresent(d -> keys.putAll(map(d, "Secret stringData")));
        assertThat(keys).as("keys of Secret %s", secretName).containsKey(key);
    }

    @Test
    void kubernetes_probes_call_healthz_on_the_control_address() {
        Manifest k8s = new Manifest();
        HostPort control = HostPort.parse(k8s.resolve(flagValue(k8s.agentArgs, "--control")));
        assertThat(k8s.agent).as("agent container").containsKeys("livenessProbe", "readinessProbe");
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            if (!k8s.agent.containsKey(probe)) continue;
            Map<String, Object> httpGet = map(at(k8s.agent, probe, "httpGet"), probe + ".httpGet");
            assertThat(httpGet.get("path")).as("%s path", probe).isEqualTo("/healthz");
            assertThat(String.valueOf(httpGet.get("port"))).as("%s port (control is %s)", probe, control)
                    .isEqualTo(String.valueOf(control.port()));
            if (LOOPBACK.contains(control.host())) {
                assertThat(httpGet.get("host")).as("%s host: control listens on loopback only", probe)
                        .isEqualTo(control.host());
            }
        }
    }

    @Test
    void kubernetes_supernodes_come_from_the_config_map_and_the_room_from_the_downward_api() {
        Manifest k8s = new Manifest();
        String supernodeArg = flagValue(k8s.agentArgs, "--supernode");
        assertThat(k8s.envSource(supernodeArg)).as("source of %s", supernodeArg).containsKey("configMapKeyRef");
        assertThat(k8s.resolve(supernodeArg)).as("--supernode").matches("[^\\s,:]+:\\d+(,[^\\s,:]+:\\d+)?");

        List<String> fieldPaths = k8s.env().stream()
                .map(e -> at(e, "valueFrom", "fieldRef", "fieldPath"))
                .filter(Objects::nonNull).map(String::valueOf).toList();
        assertThat(fieldPaths).as("downward API fields in env").contains("spec.nodeName")
                .anyMatch(p -> p.startsWith("metadata.labels['"));
    }

    @Test
    void kubernetes_memory_is_limited_to_256_mi() {
        Manifest k8s = new Manifest();
        assertThat(at(k8s.agent, "resources", "limits", "memory")).as("memory limit").isEqualTo("256Mi");
        assertThat(at(k8s.agent, "resources", "requests")).as("resource requests").isNotNull();
    }

    // ---- systemd: systemd/darner-agent.service and systemd/agent.env.example ----

    @Test
    void systemd_unit_has_its_three_sections() {
        SystemdUnit unit = new SystemdUnit();
        assertThat(unit.sections).containsKeys("Unit", "Service", "Install");
        assertThat(unit.section("Install")).containsKey("WantedBy");
        assertThat(unit.section("Unit")).containsKey("Description");
    }

    @Test
    void systemd_service_runs_unprivileged_restarts_and_stops_gracefully() {
        SystemdUnit unit = new SystemdUnit();
        assertThat(unit.one("Type")).isEqualTo("simple");
        assertThat(unit.one("User")).isEqualTo("darner");
        assertThat(unit.one("EnvironmentFile")).isEqualTo("/etc/darner/agent.env");
        assertThat(unit.one("Restart")).isIn("on-failure", "always", "on-abnormal");
        assertThat(unit.one("KillSignal")).isEqualTo("SIGTERM");
        assertThat(unit.one("TimeoutStopSec")).isNotBlank();
        assertThat(unit.one("NoNewPrivileges")).isEqualTo("yes");
        assertThat(unit.one("ProtectSystem")).isEqualTo("strict");
    }

    @Test
    void systemd_exec_start_runs_the_jar_with_every_required_flag() {
        List<String> args = shellWords(new SystemdUnit().one("ExecStart"));
        assertThat(args.get(0)).as("ExecStart binary").startsWith("/");
        assertThat(args).as("ExecStart").containsSubsequence("-jar", JAR, "agent").containsAll(REQUIRED_FLAGS);
        for (String flag : REQUIRED_FLAGS) {
            assertThat(flagValue(args, flag)).as("value of %s", flag).isNotBlank().doesNotStartWith("--");
        }
    }

    @Test
    void systemd_every_variable_of_exec_start_is_defined() {
        SystemdUnit unit = new SystemdUnit();
        Map<String, String> defined = new LinkedHashMap<>(unit.environmentDefaults());
        defined.putAll(unit.envExample);
        Matcher m = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?").matcher(unit.one("ExecStart"));
        while (m.find()) {
            assertThat(defined).as("Environment= or agent.env.example defines $%s", m.group(1)).containsKey(m.group(1));
        }
        assertThat(unit.envExample).containsKeys("DARNER_SUPERNODES", "DARNER_ROOM");
    }

    @Test
    void systemd_data_dir_and_allowed_dirs_are_writable_under_protect_system_strict() {
        SystemdUnit unit = new SystemdUnit();
        List<String> writable = new ArrayList<>();
        unit.service.getOrDefault("ReadWritePaths", List.of()).forEach(v -> {
            for (String p : v.split("\\s+")) writable.add(p.replaceFirst("^[-+]", ""));
        });
        unit.service.getOrDefault("StateDirectory", List.of()).forEach(v -> {
            for (String d : v.split("\\s+")) writable.add("/var/lib/" + d);
        });

        List<String> dirs = new ArrayList<>();
        dirs.add(flagValue(shellWords(unit.one("ExecStart")), "--data-dir"));
        List<String> optionSources = new ArrayList<>(unit.environmentDefaults().values());
        optionSources.addAll(unit.envExample.values());
        optionSources.add(unit.one("ExecStart"));
        for (String source : optionSources) dirs.addAll(flagValues(shellWords(source), "--allow-dir"));

        for (String dir : dirs) {
            assertThat(writable).as("ReadWritePaths=/StateDirectory= covering %s", dir)
                    .anyMatch(w -> dir.equals(w) || dir.startsWith(w + "/"));
        }
    }

    // ---- container image: agent/Dockerfile ----

    @Test
    void dockerfile_builds_on_the_java_17_runtime() {
        Instruction from = dockerfile().stream().filter(i -> !i.keyword().equals("ARG")).findFirst()
                .orElseThrow(() -> new AssertionError("agent/Dockerfile has no instruction"));
        assertThat(from.keyword()).as("first instruction").isEqualTo("FROM");
        assertThat(from.arguments()).startsWith("eclipse-temurin:17-jre");
    }

    @Test
    void dockerfile_entrypoint_runs_the_jar_in_exec_form() {
        List<Instruction> dockerfile = dockerfile();
        assertThat(jsonArray(only(dockerfile, "ENTRYPOINT"), "ENTRYPOINT")).containsExactly("java", "-jar", JAR);
        assertThat(dockerfile).as("COPY of the jar to " + JAR)
                .anyMatch(i -> i.keyword().equals("COPY")
                        && i.arguments().matches(".*agent/target/darner-agent\\.jar\\s+" + Pattern.quote(JAR)));
    }

    @Test
    void dockerfile_default_command_is_the_agent_with_every_required_flag() {
        List<String> cmd = jsonArray(only(dockerfile(), "CMD"), "CMD");
        assertThat(cmd.get(0)).isEqualTo("agent");
        assertThat(cmd).containsAll(REQUIRED_FLAGS);
    }

    @Test
    void dockerfile_health_check_calls_healthz_on_the_control_address_of_the_command() {
        List<Instruction> dockerfile = dockerfile();
        assertThat(only(dockerfile, "HEALTHCHECK")).doesNotStartWith("NONE")
                .contains("CMD", "/healthz", "${DARNER_CONTROL}");
        Matcher env = Pattern.compile("(?:^|\\s)DARNER_CONTROL=(\\S+)").matcher(
                dockerfile.stream().filter(i -> i.keyword().equals("ENV")).map(Instruction::arguments)
                        .collect(Collectors.joining(" ")));
        assertThat(env.find()).as("ENV DARNER_CONTROL, read by the HEALTHCHECK").isTrue();
        assertThat(env.group(1)).as("ENV DARNER_CONTROL equals the --control of CMD")
                .isEqualTo(flagValue(jsonArray(only(dockerfile, "CMD"), "CMD"), "--control"));
    }

    @Test
    void dockerfile_does_not_run_the_agent_as_root_by_default() {
        assertThat(only(dockerfile(), "USER")).doesNotStartWith("root").doesNotStartWith("0:").isNotEqualTo("0");
    }

    // ---- the parsed files ----

    /** kubernetes/agent-daemonset.yaml: its documents, the DaemonSet's pod and its agent container. */
    private static final class Manifest {
        final List<Map<String, Object>> documents = loadDocuments("kubernetes/agent-daemonset.yaml");
        final Map<String, Object> daemonSet = document("DaemonSet", "darner-agent");
        final Map<String, Object> pod = map(at(daemonSet, "spec", "template", "spec"), "DaemonSet pod spec");
        final Map<String, Object> agent = container(pod, "agent");
        /** command + args as shell words: the agent's flags and their values (or $VARIABLES). */
        final List<String> agentArgs = shellWords(joinedCommand(agent));

        Map<String, Object> document(String kind, String name) {
            return documents.stream()
                    .filter(d -> kind.equals(d.get("kind")) && name.equals(at(d, "metadata", "name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + " named " + name
                            + " in kubernetes/agent-daemonset.yaml"));
        }

        List<Map<String, Object>> volumeMounts() {
            return list(agent.get("volumeMounts"), "agent volumeMounts").stream().map(m -> map(m, "volumeMount")).toList();
        }

        Map<String, Object> volume(String name) {
            return list(pod.get("volumes"), "pod volumes").stream().map(v -> map(v, "volume"))
                    .filter(v -> name.equals(v.get("name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no pod volume named " + name));
        }

        String hostPathMountedAt(String path) {
            Map<String, Object> mount = volumeMounts().stream()
                    .filter(m -> path.equals(m.get("mountPath")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("nothing is mounted at " + path));
            Object hostPath = at(volume((String) mount.get("name")), "hostPath", "path");
            assertThat(hostPath).as("volume %s is a hostPath", mount.get("name")).isNotNull();
            return String.valueOf(hostPath);
        }

        List<Map<String, Object>> env() {
            return list(agent.get("env"), "agent env").stream().map(e -> map(e, "env entry")).toList();
        }

        /** The valueFrom (or value) of the env variable a shell word like "$DARNER_CONTROL" names. */
        Map<String, Object> envSource(String word) {
            String name = word.replaceAll("^\\$\\{?|}$", "");
            Map<String, Object> entry = env().stream().filter(e -> name.equals(e.get("name"))).findFirst()
                    .orElseThrow(() -> new AssertionError("the agent command uses $" + name + ", which env does not set"));
            return entry.containsKey("value") ? Map.of("value", String.valueOf(entry.get("value")))
                    : map(entry.get("valueFrom"), "valueFrom of " + name);
        }

        /** A literal word, or the value its $VARIABLE gets from env: a literal or a ConfigMap key. */
        String resolve(String word) {
            if (!word.startsWith("$")) return word;
            Map<String, Object> source = envSource(word);
            if (source.containsKey("value")) return String.valueOf(source.get("value"));
            Map<String, Object> ref = map(source.get("configMapKeyRef"), word + " from a ConfigMap");
            Object value = at(document("ConfigMap", (String) ref.get("name")), "data", (String) ref.get("key"));
            assertThat(value).as("ConfigMap %s key %s", ref.get("name"), ref.get("key")).isNotNull();
            return String.valueOf(value);
        }
    }

    /** systemd/darner-agent.service and the environment file example beside it. */
    private static final class SystemdUnit {
        final Map<String, Map<String, List<String>>> sections = parseUnit(read("systemd/darner-agent.service"));
        final Map<String, List<String>> service = section("Service");
        final Map<String, String> envExample = parseEnvFile(read("systemd/agent.env.example"));

        Map<String, List<String>> section(String name) {
            Map<String, List<String>> section = sections.get(name);
            assertThat(section).as("[%s] section of darner-agent.service", name).isNotNull();
            return section;
        }

        String one(String key) {
            List<String> values = service.get(key);
            assertThat(values).as("%s= in [Service]", key).isNotNull().hasSize(1);
            return values.get(0);
        }

        /** Assignments of every Environment= line: A=b C=d, or "A=b c" when quoted. */
        Map<String, String> environmentDefaults() {
            Map<String, String> env = new LinkedHashMap<>();
            Matcher m = Pattern.compile("\"([^\"=]+)=([^\"]*)\"|([^\\s\"=]+)=(\\S*)").matcher(
                    String.join(" ", service.getOrDefault("Environment", List.of())));
            while (m.find()) {
                if (m.group(1) != null) env.put(m.group(1), m.group(2));
                else env.put(m.group(3), m.group(4));
            }
            return env;
        }
    }

    private static List<Instruction> dockerfile() {
        return parseDockerfile(read("agent/Dockerfile"));
    }

    private static String only(List<Instruction> dockerfile, String keyword) {
        List<String> found = dockerfile.stream().filter(i -> i.keyword().equals(keyword))
                .map(Instruction::arguments).toList();
        assertThat(found).as("%s instructions in agent/Dockerfile", keyword).hasSize(1);
        return found.get(0);
    }

    // ---- parsing ----

    private static String read(String relative) {
        Path file = DEPLOY.resolve(relative);
        assertThat(file)
                .withFailMessage("deployment file config/deploy/%s is missing (looked for %s)",
                        relative, file.toAbsolutePath().normalize())
                .isRegularFile();
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Map<String, Object>> loadDocuments(String relative) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(read(relative))) {
            if (document != null) documents.add(map(document, "a document of " + relative));
        }
        assertThat(documents).as("documents in %s", relative).isNotEmpty();
        return documents;
    }

    /** A JSON array (exec form) parsed as the YAML flow sequence it also is. */
    private static List<String> jsonArray(String text, String what) {
        assertThat(text).as("%s in exec (JSON array) form", what).startsWith("[").endsWith("]");
        List<?> items = list(new Yaml(new SafeConstructor(new LoaderOptions())).load(text), what);
        assertThat(items).as(what).allMatch(String.class::isInstance);
        return items.stream().map(String.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String what) {
        assertThat(value).as("%s is a mapping", what).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    private static List<?> list(Object value, String what) {
        assertThat(value).as("%s is a list", what).isInstanceOf(List.class);
        return (List<?>) value;
    }

    /** The value at a path of mapping keys, or null where the path ends early. */
    private static Object at(Map<String, Object> root, String... path) {
        Object current = root;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) return null;
            current = m.get(key);
        }
        return current;
    }

    private static Map<String, Object> container(Map<String, Object> pod, String name) {
        return list(pod.get("containers"), "containers").stream().map(c -> map(c, "container"))
                .filter(c -> name.equals(c.get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container named " + name));
    }

    private static String joinedCommand(Map<String, Object> container) {
        List<Object> words = new ArrayList<>();
        Optional.ofNullable(container.get("command")).ifPresent(c -> words.addAll(list(c, "command")));
        Optional.ofNullable(container.get("args")).ifPresent(a -> words.addAll(list(a, "args")));
        return words.stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /** Whitespace-separated words with line continuations dropped and surrounding quotes removed. */
    private static List<String> shellWords(String text) {
        List<String> words = new ArrayList<>();
        for (String word : text.replace("\\\n", " ").split("\\s+")) {
            if (word.isEmpty() || word.equals("\\")) continue;
            words.add(word.replaceAll("^[\"']|[\"']$", ""));
        }
        return words;
    }

    private static String flagValue(List<String> args, String flag) {
        List<String> values = flagValues(args, flag);
        assertThat(values).as("one %s in %s", flag, args).hasSize(1);
        return values.get(0);
    }

    private static List<String> flagValues(List<String> args, String flag) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(flag)) {
                assertThat(i + 1).as("%s has a value", flag).isLessThan(args.size());
                values.add(args.get(i + 1));
            } else if (args.get(i).startsWith(flag + "=")) {
                values.add(args.get(i).substring(flag.length() + 1));
            }
        }
        return values;
    }

    /** A systemd unit: [Section] headers, Key=Value lines (repeatable), # and ; comments, \ continuations. */
    private static Map<String, Map<String, List<String>>> parseUnit(String text) {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#") || line.startsWith(";"))) continue;
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            line = pending.append(line).toString().strip();
            pending.setLength(0);
            if (line.startsWith("[") && line.endsWith("]")) {
                current = sections.computeIfAbsent(line.substring(1, line.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int eq = line.indexOf('=');
            if (current == null || eq <= 0) fail("not a unit file line (outside a section or without '='): " + line);
            current.computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
                    .add(line.substring(eq + 1).strip());
        }
        assertThat(pending.toString()).as("unterminated line continuation").isEmpty();
        return sections;
    }

    /** An EnvironmentFile: KEY=VALUE lines and # comments. */
    private static Map<String, String> parseEnvFile(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            assertThat(line).as("environment file line").matches("[A-Za-z_][A-Za-z0-9_]*=.*");
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return env;
    }

    private record Instruction(String keyword, String arguments) {}

    /** Dockerfile instructions with continuations joined and comment lines dropped. */
    private static List<Instruction> parseDockerfile(String text) {
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.startsWith("#") || (pending.isEmpty() && line.isEmpty())) continue;
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String joined = pending.append(line).toString().strip();
            pending.setLength(0);
            if (joined.isEmpty()) continue;
            String[] parts = joined.split("\\s+", 2);
            instructions.add(new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1].strip() : ""));
        }
        assertThat(pending.toString()).as("unterminated line continuation in agent/Dockerfile").isEmpty();
        return instructions;
    }

    private record HostPort(String host, int port) {
        static HostPort parse(String address) {
            int colon = address.lastIndexOf(':');
            assertThat(colon).as("HOST:PORT address %s", address).isPositive();
            return new HostPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
