package dev.vigil.deployfiles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.admin.AdminServer;
import dev.vigil.capture.admin.AgentProbes;
import dev.vigil.cli.VigilCli;
import dev.vigil.config.AdminConfig;
import dev.vigil.config.ConfigLoader;
import dev.vigil.config.EndpointConfig;
import dev.vigil.config.JobStoreType;
import dev.vigil.config.Units;
import dev.vigil.config.VigilConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import dev.vigil.monitor.report.MonitorAdmin;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.ParseResult;

/**
 * The deployment files under {@code deploy/docker} and {@code deploy/kubernetes} agree with the
 * code: every YAML file parses, every mounted Vigil config validates with the real
 * {@link ConfigLoader} under the environment its container gets, command lines parse with the
 * real picocli model, ports and probe paths match the configs and the real admin servers
 * (started in-process on 127.0.0.1, nothing else runs), secrets and {@code ${VAR}} references
 * match both ways, and the Dockerfile builds the jar the shade plugin writes.
 */
class DeploymentFilesTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** ${NAME} or ${NAME:-default}; {@code $${} is a literal. */
  private static final Pattern VAR = Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?}");
  /** Read by the JVM or the C library, not by the Vigil config (logback.xml's variables are added to these). */
  private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "MALLOC_ARENA_MAX");
  private static final Path LOGBACK = Path.of("cli-support", "src", "main", "resources", "logback.xml");
  /** Measured agent peak RSS at -Xmx96m is 195 MB (bench/README.md): the limit needs heap x 1.75. */
  private static final double AGENT_LIMIT_PER_HEAP = 1.75;

  private static final Path DEPLOY = deployDir();
  private static final Path DOCKER = DEPLOY.resolve("docker");
  private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
  private static final Path PROMETHEUS = DEPLOY.resolve("prometheus");
  /** The admin servers started here require it on /metrics, as the shipped Kubernetes configs do. */
  private static final String METRICS_TOKEN = "test-metrics-token";
  /** agent.spool.maxBytes may use this share of the spool volume's sizeLimit (segments round up; eviction is fatal). */
  private static final double SPOOL_SHARE_OF_VOLUME = 0.8;

  private static AdminServer agentAdmin;
  private static AdminServer monitorAdmin;
  private static ServerSocket fakeUpstreamListener;
  private static int agentAdminPort;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One container (compose service or pod container) that runs the vigil image. */
  record VigilContainer(String where, List<String> args, Map<String, String> env, Map<String, String> secretRefs,
      String configText, JsonNode node, JsonNode pod) {
    String subcommand() {
      return args.get(0);
    }

    boolean runs(String... words) {
      return args.size() >= words.length && args.subList(0, words.length).equals(List.of(words));
    }

    VigilConfig config() {
      if (configText == null) {
        throw new AssertionError(where + ": no mounted file found for --config " + option("--config"));
      }
      return ConfigLoader.parse(configText, env);
    }

    String option(String name) {
      int i = args.indexOf(name);
      return i < 0 || i + 1 >= args.size() ? null : args.get(i + 1);
    }
  }

  @BeforeAll
  static void startRealAdminServers() throws Exception {
    // readiness is probed against a listening socket, as the agent probes the model server
    fakeUpstreamListener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    AgentProbes probes = new AgentProbes(
        List.of(new AgentProbes.Upstream("traffic-signs", "127.0.0.1", fakeUpstreamListener.getLocalPort())), Map::of);
    agentAdmin = new AdminServer("agent.admin", "127.0.0.1", 0, METRICS_TOKEN, () -> "", probes::health, probes::ready);
    agentAdminPort = agentAdmin.port();
    monitorAdmin = MonitorAdmin.start("127.0.0.1", 0, METRICS_TOKEN, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
        () -> true);
  }

  @AfterAll
  static void stopAdminServers() throws Exception {
    if (agentAdmin != null) {
      agentAdmin.close();
    }
    if (monitorAdmin != null) {
      monitorAdmin.close();
    }
    if (fakeUpstreamListener != null) {
      fakeUpstreamListener.close();
    }
  }

  // ---------------------------------------------------------------- YAML and command lines

  @Test
  void everyYamlFileParsesAndKubernetesDocumentsNameTheirKind() throws IOException {
    List<Path> files = yamlFiles();
    assertThat(files).extracting(p -> p.getFileName().toString())
        .contains("docker-compose.yaml", "vigil.yaml", "configmap.yaml", "secret.example.yaml",
            "model-deployment.yaml", "monitor-deployment.yaml");
    for (Path f : files) {
      List<JsonNode> docs = documents(f);
      assertThat(docs).as("%s holds YAML documents", f).isNotEmpty();
      for (JsonNode d : docs) {
        assertThat(d.isObject()).as("%s: every document is a mapping", f).isTrue();
        if (f.startsWith(KUBERNETES)) {
          assertThat(d.path("apiVersion").asText()).as("%s: apiVersion", f).isNotBlank();
          assertThat(d.path("kind").asText()).as("%s: kind", f).isNotBlank();
          assertThat(d.path("metadata").path("name").asText()).as("%s: metadata.name", f).isNotBlank();
        }
      }
    }
  }

  @Test
  void everyVigilCommandLineParsesWithTheRealCli() throws IOException {
    List<VigilContainer> all = vigilContainers();
    assertThat(all).extracting(VigilContainer::where).hasSizeGreaterThanOrEqualTo(7);
    for (VigilContainer c : all) {
      assertThatCode(() -> {
        ParseResult r = VigilCli.newCommandLine().parseArgs(c.args().toArray(String[]::new));
        assertThat(r.hasSubcommand()).isTrue();
      }).as("%s: vigil %s", c.where(), c.args()).doesNotThrowAnyException();
    }
    List<String> cmd = dockerfileJson("CMD");
    assertThatCode(() -> VigilCli.newCommandLine().parseArgs(cmd.toArray(String[]::new)))
        .as("Dockerfile CMD %s", cmd).doesNotThrowAnyException();
  }

  @Test
  void everyMountedConfigValidatesUnderItsContainersEnvironment() throws IOException {
    for (VigilContainer c : vigilContainers()) {
      if (c.subcommand().equals("demo")) {
        continue;
      }
      assertThat(c.configText()).as("%s: --config names a mounted file", c.where()).isNotNull();
      assertThatCode(c::config).as("%s: ConfigLoader.parse", c.where()).doesNotThrowAnyException();
    }
  }

  @Test
  void everyConfigVariableIsProvidedAndEveryProvidedVariableIsUsed() throws IOException {
    String logback = Files.readString(DEPLOY.resolve(LOGBACK));
    Set<String> logbackVariables = variables(logback).keySet();
    assertThat(logbackVariables).contains("VIGIL_LOG_FORMAT");
    Set<String> appenders = new TreeSet<>();
    Matcher a = Pattern.compile("<appender name=\"([^\"]+)\"").matcher(logback);
    while (a.find()) {
      appenders.add(a.group(1));
    }
    for (VigilContainer c : vigilContainers()) {
      if (c.env().containsKey("VIGIL_LOG_FORMAT")) {
        assertThat(appenders).as("%s: VIGIL_LOG_FORMAT names a logback.xml appender", c.where())
            .contains(c.env().get("VIGIL_LOG_FORMAT"));
      }
      if (c.configText() == null) {
        continue;
      }
      Map<String, Boolean> refs = variables(c.configText()); // name -> has a default
      Set<String> missing = new TreeSet<>();
      refs.forEach((name, hasDefault) -> {
        if (!hasDefault && !c.env().containsKey(name)) {
          missing.add(name);
        }
      });
      assertThat(missing).as("%s: ${VAR}s without a default that the container does not set", c.where()).isEmpty();
      Set<String> unused = new TreeSet<>(c.env().keySet());
      unused.removeAll(refs.keySet());
      unused.removeAll(JVM_VARIABLES);
      unused.removeAll(logbackVariables);
      assertThat(unused).as("%s: variables set for the container that its config never reads", c.where()).isEmpty();
    }
  }

  @Test
  void secretKeysAreAllUsedAndAllExist() throws IOException {
    JsonNode secret = kubernetes("Secret").get(0);
    String secretName = secret.path("metadata").path("name").asText();
    Set<String> keys = new TreeSet<>();
    secret.path("stringData").fieldNames().forEachRemaining(keys::add);
    secret.path("data").fieldNames().forEachRemaining(keys::add);
    Set<String> used = new TreeSet<>();
    for (VigilContainer c : vigilContainers()) {
      for (String ref : c.secretRefs().values()) {
        String[] nameKey = ref.split("/", 2);
        assertThat(nameKey[0]).as("%s: secretKeyRef names the example Secret", c.where()).isEqualTo(secretName);
        assertThat(keys).as("%s: secretKeyRef key", c.where()).contains(nameKey[1]);
        used.add(nameKey[1]);
      }
    }
    assertThat(used).as("keys of Secret %s no container reads", secretName).containsExactlyInAnyOrderElementsOf(keys);
  }

  // ---------------------------------------------------------------- agent

  @Test
  void agentSidecarPortsProbesAndServiceMatchItsConfigAndTheRealAdminServer() throws Exception {
    List<VigilContainer> agents = kubernetesContainers().stream().filter(c -> c.runs("agent")).toList();
    assertThat(agents).hasSize(1);
    VigilContainer agent = agents.get(0);
    VigilConfig cfg = agent.config();
    int listen = cfg.agent().listen().port();
    int admin = cfg.agent().admin().port();
    Map<String, Integer> ports = containerPorts(agent.node());
    assertThat(ports.values()).as("agent containerPorts").contains(listen, admin);

    JsonNode liveness = agent.node().path("livenessProbe").path("httpGet");
    JsonNode readiness = agent.node().path("readinessProbe").path("httpGet");
    assertThat(liveness.path("path").asText()).isEqualTo("/healthz");
    assertThat(readiness.path("path").asText()).isEqualTo("/readyz");
    assertThat(resolvePort(liveness.path("port"), ports)).as("liveness probe port").isEqualTo(admin);
    assertThat(resolvePort(readiness.path("port"), ports)).as("readiness probe port").isEqualTo(admin);
    assertAgentAdminServes(liveness.path("path").asText());
    assertAgentAdminServes(readiness.path("path").asText());

    assertScrapeJob("vigil-agent", agent, admin, DeploymentFilesTest::getAgentAdmin);

    // the Service sends traffic to the agent's proxy port, never straight to the model
    JsonNode service = kubernetes("Service").get(0);
    JsonNode selector = service.path("spec").path("selector");
    JsonNode podLabels = agent.pod().path("metadata").path("labels");
    selector.fields().forEachRemaining(e ->
        assertThat(podLabels.path(e.getKey()).asText()).as("Service selector %s", e.getKey()).isEqualTo(e.getValue().asText()));
    JsonNode http = service.path("spec").path("ports").get(0);
    assertThat(resolvePort(http.path("targetPort"), ports)).as("Service targetPort").isEqualTo(listen);
  }

  @Test
  void agentUpstreamIsTheModelServerItSitsInFrontOf() throws IOException {
    List<VigilContainer> all = vigilContainers();
    for (VigilContainer agent : all.stream().filter(c -> c.runs("agent")).toList()) {
      for (EndpointConfig e : agent.config().endpoints()) {
        URI upstream = e.upstream();
        List<VigilContainer> servers = all.stream()
            .filter(c -> c.runs("demo", "serve"))
            .filter(c -> c.where().startsWith("compose")
                ? c.where().equals("compose:" + upstream.getHost()) && "0.0.0.0".equals(c.option("--host"))
                : c.pod().equals(agent.pod()) && upstream.getHost().equals(c.option("--host")))
            .filter(c -> String.valueOf(upstream.getPort()).equals(c.option("--port")))
            .toList();
        assertThat(servers).as("%s: a model server (demo serve) listening at %s", agent.where(), upstream).hasSize(1);
      }
    }
  }

  @Test
  void agentSidecarMemoryFitsTheMeasuredHeapAndBuffers() throws IOException {
    for (VigilContainer agent : vigilContainers().stream().filter(c -> c.runs("agent")).toList()) {
      long heap = xmx(agent.env().get("JAVA_TOOL_OPTIONS"));
      assertThat(heap).as("%s: JAVA_TOOL_OPTIONS -Xmx (the agent is measured at -Xmx96m)", agent.where())
          .isEqualTo(96L << 20);
      VigilConfig cfg = agent.config();
      // capture-agent/README.md "Memory": bufferBytes + one batch per sink (S3 object twice, Kafka 1 MB + 16 MB)
      long inMemory = cfg.agent().bufferBytes() + 2 * cfg.sinks().s3().objectMaxBytes() + (17L << 20);
      assertThat(inMemory).as("%s: capture bytes held in memory must leave half the heap", agent.where())
          .isLessThanOrEqualTo(heap / 2);
      if (agent.where().startsWith("kubernetes")) {
        long limit = quantity(agent.node().path("resources").path("limits").path("memory").asText());
        assertThat(limit).as("%s: memory limit", agent.where()).isGreaterThanOrEqualTo((long) (heap * AGENT_LIMIT_PER_HEAP));
        assertThat(quantity(agent.node().path("resources").path("requests").path("memory").asText()))
            .as("%s: memory request", agent.where()).isLessThanOrEqualTo(limit).isGreaterThan(heap);
      }
    }
  }

  @Test
  void terminationGraceCoversPreStopAndTheAgentsShutdownGrace() throws IOException {
    for (VigilContainer agent : vigilContainers().stream().filter(c -> c.runs("agent")).toList()) {
      long grace = agent.config().agent().shutdownGrace().toSeconds();
      if (agent.where().startsWith("compose")) {
        long stop = composeDuration(agent.node().path("stop_grace_period").asText("10s"));
        assertThat(stop).as("%s: stop_grace_period vs agent.shutdownGrace %ss", agent.where(), grace).isGreaterThan(grace);
        continue;
      }
      long preStop = preStopSleep(agent.node());
      long termination = agent.pod().path("spec").path("terminationGracePeriodSeconds").asLong(30);
      assertThat(termination).as("%s: terminationGracePeriodSeconds >= preStop %ss + shutdownGrace %ss",
          agent.where(), preStop, grace).isGreaterThanOrEqualTo(preStop + grace);
      // the model keeps serving while the agent lets in-flight requests finish (a quarter of the grace)
      for (JsonNode other : agent.pod().path("spec").path("containers")) {
        if (!other.equals(agent.node())) {
          assertThat((double) preStopSleep(other)).as("%s preStop outlives the agent's in-flight phase",
              other.path("name").asText()).isGreaterThanOrEqualTo(preStop + grace / 4.0);
        }
      }
    }
  }

  // ---------------------------------------------------------------- monitor

  @Test
  void monitorsRunTwoReplicasOnOneClusteredPostgresJobStore() throws IOException {
    List<VigilContainer> k8s = kubernetesContainers().stream().filter(c -> c.runs("monitor")).toList();
    assertThat(k8s).hasSize(1);
    JsonNode deployment = kubernetes("Deployment").stream()
        .filter(d -> d.path("spec").path("template").equals(k8s.get(0).pod())).findFirst().orElseThrow();
    assertThat(deployment.path("spec").path("replicas").asInt()).as("monitor replicas").isEqualTo(2);

    List<VigilContainer> compose = composeContainers().stream().filter(c -> c.runs("monitor")).toList();
    assertThat(compose).as("compose monitor services").hasSize(2);
    Set<String> urls = new LinkedHashSet<>();
    for (VigilContainer c : compose) {
      urls.add(c.config().monitor().jobStore().jdbcUrl());
    }
    assertThat(urls).as("compose replicas share one job store").hasSize(1);

    for (VigilContainer c : Stream.concat(k8s.stream(), compose.stream()).toList()) {
      var store = c.config().monitor().jobStore();
      assertThat(store.type()).as("%s: jobStore.type", c.where()).isEqualTo(JobStoreType.JDBC);
      assertThat(store.jdbcUrl()).as("%s: jobStore.jdbcUrl", c.where()).startsWith("jdbc:postgresql://");
      // a fixed id would make two replicas collide in the Quartz cluster
      assertThat(store.instanceId()).as("%s: jobStore.instanceId", c.where()).isEqualTo("AUTO");
    }
  }

  @Test
  void monitorPortsAndProbesMatchItsConfigAndTheRealAdminServer() throws Exception {
    for (VigilContainer m : vigilContainers().stream().filter(c -> c.runs("monitor")).toList()) {
      int admin = m.config().monitor().admin().port();
      if (m.where().startsWith("compose")) {
        assertThat(composeContainerPorts(m.node())).as("%s: published ports", m.where()).contains(admin);
        assertHealthcheckProbes(m, admin);
        continue;
      }
      Map<String, Integer> ports = containerPorts(m.node());
      assertThat(ports.values()).as("%s: containerPorts", m.where()).contains(admin);
      for (String probe : List.of("livenessProbe", "readinessProbe")) {
        JsonNode get = m.node().path(probe).path("httpGet");
        assertThat(resolvePort(get.path("port"), ports)).as("%s: %s port", m.where(), probe).isEqualTo(admin);
        assertMonitorAdminServes(get.path("path").asText());
      }
      assertScrapeJob("vigil-monitor", m, admin, (path, auth) -> get(monitorAdmin.port(), path, auth));
    }
  }

  @Test
  void agentAndMonitorConfigsAgreeOnEndpointsAndWhereCapturesGo() throws IOException {
    List<VigilContainer> all = vigilContainers();
    for (String side : List.of("compose", "kubernetes")) {
      List<VigilConfig> configs = all.stream().filter(c -> c.where().startsWith(side))
          .filter(c -> c.runs("agent") || c.runs("monitor")).map(VigilContainer::config).toList();
      assertThat(configs).as(side).hasSizeGreaterThanOrEqualTo(2);
      VigilConfig first = configs.get(0);
      for (VigilConfig c : configs) {
        assertThat(c.endpoints()).extracting(EndpointConfig::name, EndpointConfig::variant, EndpointConfig::output)
            .as("%s: endpoints", side)
            .isEqualTo(first.endpoints().stream().map(e -> org.assertj.core.groups.Tuple.tuple(e.name(), e.variant(), e.output())).toList());
        assertThat(List.of(c.sinks().s3().bucket(), c.sinks().s3().prefix(), c.sinks().kafka().topic()))
            .as("%s: S3 bucket/prefix and Kafka topic", side)
            .isEqualTo(List.of(first.sinks().s3().bucket(), first.sinks().s3().prefix(), first.sinks().kafka().topic()));
      }
    }
  }

  @Test
  void kubernetesAdminPortsOpenToProbesWithMetricsBehindAToken() throws IOException {
    List<VigilContainer> admins = kubernetesContainers().stream().filter(c -> c.runs("agent") || c.runs("monitor")).toList();
    assertThat(admins).hasSize(2);
    for (VigilContainer c : admins) {
      AdminConfig a = c.runs("agent") ? c.config().agent().admin() : c.config().monitor().admin();
      // the kubelet probes the pod IP: loopback (the default) would fail every probe
      assertThat(a.host()).as("%s: admin.host", c.where()).isEqualTo("0.0.0.0");
      assertThat(a.resolveMetricsToken().isEmpty()).as("%s: admin.metricsToken is set", c.where()).isFalse();
    }
  }

  @Test
  void spoolLeavesHeadroomUnderItsVolumeLimit() throws IOException {
    List<VigilContainer> agents = kubernetesContainers().stream().filter(c -> c.runs("agent")).toList();
    assertThat(agents).isNotEmpty();
    for (VigilContainer agent : agents) {
      Path spool = agent.config().agent().spool().directory();
      long maxBytes = agent.config().agent().spool().maxBytes();
      JsonNode mount = null;
      for (JsonNode m : agent.node().path("volumeMounts")) {
        if (spool.startsWith(Path.of(m.path("mountPath").asText())) && (mount == null
            || m.path("mountPath").asText().length() > mount.path("mountPath").asText().length())) {
          mount = m;
        }
      }
      assertThat(mount).as("%s: a volume is mounted over agent.spool.directory %s", agent.where(), spool).isNotNull();
      String volume = mount.path("name").asText();
      JsonNode emptyDir = null;
      for (JsonNode v : agent.pod().path("spec").path("volumes")) {
        if (v.path("name").asText().equals(volume)) {
          emptyDir = v.path("emptyDir");
        }
      }
      assertThat(emptyDir).as("%s: volume %s", agent.where(), volume).isNotNull();
      String sizeLimit = emptyDir.path("sizeLimit").asText();
      assertThat(sizeLimit).as("%s: volume %s has a sizeLimit (an unbounded emptyDir fills the node)", agent.where(), volume)
          .isNotEmpty();
      long limit = Units.parseSize(sizeLimit);
      assertThat(limit).as("%s: sizeLimit %s parses", agent.where(), sizeLimit).isPositive();
      assertThat((double) maxBytes).as("%s: agent.spool.maxBytes (%s bytes) vs %s%% of the volume's sizeLimit %s: past the"
              + " limit the kubelet evicts the pod", agent.where(), maxBytes, (int) (SPOOL_SHARE_OF_VOLUME * 100), sizeLimit)
          .isLessThanOrEqualTo(SPOOL_SHARE_OF_VOLUME * limit);
    }
  }

  // ---------------------------------------------------------------- compose stack

  @Test
  void composePublishesOnlyOnLoopback() throws IOException {
    JsonNode services = documents(DOCKER.resolve("docker-compose.yaml")).get(0).path("services");
    List<String> published = new ArrayList<>();
    services.fields().forEachRemaining(e -> strings(e.getValue().path("ports")).forEach(p -> published.add(e.getKey() + " " + p)));
    assertThat(published).as("published ports").isNotEmpty()
        .allSatisfy(p -> assertThat(p).as("bound to 127.0.0.1 on the host").contains(" 127.0.0.1:"));
    assertThat(published).as("nothing beyond traffic, mail UI, MinIO console and the admin ports")
        .extracting(p -> p.split(" ")[0]).containsOnly("agent", "mailpit", "minio", "monitor-1", "monitor-2");
  }

  @Test
  void composeAgentPublishesItsPortsAndChecksReadiness() throws Exception {
    VigilContainer agent = composeContainers().stream().filter(c -> c.runs("agent")).findFirst().orElseThrow();
    VigilConfig cfg = agent.config();
    assertThat(composeContainerPorts(agent.node())).contains(cfg.agent().listen().port(), cfg.agent().admin().port());
    assertHealthcheckProbes(agent, cfg.agent().admin().port());
  }

  @Test
  void composeServersMatchTheCredentialsAndAddressesTheConfigUses() throws IOException {
    JsonNode services = documents(DOCKER.resolve("docker-compose.yaml")).get(0).path("services");
    assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka");
    assertThat(services.path("postgres").path("image").asText()).startsWith("postgres");
    assertThat(services.path("mailpit").path("image").asText()).contains("mailpit");
    VigilContainer monitor = composeContainers().stream().filter(c -> c.runs("monitor")).findFirst().orElseThrow();
    VigilConfig cfg = monitor.config();
    Map<String, String> minio = envOf(services.path("minio"));
    assertThat(cfg.sinks().s3().accessKeyId().reveal()).as("S3 access key = MINIO_ROOT_USER").isEqualTo(minio.get("MINIO_ROOT_USER"));
    assertThat(cfg.sinks().s3().secretAccessKey().reveal()).as("S3 secret key = MINIO_ROOT_PASSWORD").isEqualTo(minio.get("MINIO_ROOT_PASSWORD"));
    assertThat(cfg.sinks().s3().endpointOverride().getHost()).as("S3 endpointOverride host").isEqualTo("minio");
    assertThat(services.path("minio-init").path("command").toString()).as("minio-init creates the bucket").contains("local/" + cfg.sinks().s3().bucket());
    Map<String, String> pg = envOf(services.path("postgres"));
    assertThat(cfg.monitor().jobStore().user()).as("jobStore.user = POSTGRES_USER").isEqualTo(pg.get("POSTGRES_USER"));
    assertThat(cfg.monitor().jobStore().password().reveal()).as("jobStore.password = POSTGRES_PASSWORD").isEqualTo(pg.get("POSTGRES_PASSWORD"));
    assertThat(cfg.monitor().jobStore().jdbcUrl()).as("jobStore.jdbcUrl names the postgres service and POSTGRES_DB").isEqualTo("jdbc:postgresql://postgres:5432/" + pg.get("POSTGRES_DB"));
    assertThat(envOf(services.path("kafka")).get("KAFKA_ADVERTISED_LISTENERS"))
        .as("sinks.kafka.bootstrapServers is the advertised listener").contains("://" + cfg.sinks().kafka().bootstrapServers());
    assertThat(services.has(cfg.alerts().smtp().host())).as("alerts.smtp.host is a compose service").isTrue();
  }

  // ---------------------------------------------------------------- Dockerfile

  @Test
  void dockerfileBuildsTheShadedJarAndRunsItAsANonRootUser() throws IOException {
    List<String> lines = dockerfileInstructions();
    List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(from).containsExactly(
        "FROM maven:3-eclipse-temurin-17 AS sources",
        "FROM sources AS build",
        "FROM eclipse-temurin:17-jre AS agent",
        "FROM sources AS build-gpu",
        "FROM nvidia/cuda:12.9.1-cudnn-runtime-ubuntu24.04 AS gpu",
        "FROM eclipse-temurin:17-jre"); // the default image is the last stage
    String buildDir = lines.stream().takeWhile(l -> !l.equals(from.get(1)))
        .filter(l -> l.startsWith("WORKDIR ")).reduce((a, b) -> b).orElseThrow().substring(8).trim();

    String pom = Files.readString(DEPLOY.resolve("pom.xml"));
    assertThat(pom).as("the shade plugin writes deploy/target/vigil.jar")
        .contains("<outputFile>${project.build.directory}/vigil.jar</outputFile>");
    assertStageRunsJar(stage(lines, from, 5), buildDir + "/deploy/target/vigil.jar");
    assertStageRunsJar(stage(lines, from, 4), buildDir + "/deploy/target/vigil.jar");
    assertThat(stage(lines, from, 4)).as("the GPU image copies from the GPU build")
        .filteredOn(l -> l.startsWith("COPY --from=")).allMatch(l -> l.startsWith("COPY --from=build-gpu "));
    assertThat(stage(lines, from, 3)).as("the GPU build checks that the CUDA provider is in the jar")
        .anyMatch(l -> l.contains("-Pgpu") && l.contains("libonnxruntime_providers_cuda.so"));

    String agentPom = Files.readString(DEPLOY.resolve("agent").resolve("pom.xml"));
    assertThat(agentPom).as("the shade plugin writes deploy/agent/target/vigil-agent.jar")
        .contains("<outputFile>${project.build.directory}/vigil-agent.jar</outputFile>")
        .contains("<mainClass>dev.vigil.agent.AgentMain</mainClass>");
    List<String> agentStage = stage(lines, from, 2);
    assertStageRunsJar(agentStage, buildDir + "/deploy/agent/target/vigil-agent.jar");
    assertThat(agentStage).as("the sidecar's image carries nothing but its jar")
        .filteredOn(l -> l.startsWith("COPY ")).hasSize(1);

    // every Maven module is copied into the build (modules are top-level folders or under deploy/)
    String parent = Files.readString(DEPLOY.getParent().resolve("pom.xml"));
    Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    Set<String> copied = new LinkedHashSet<>();
    for (String l : lines) {
      if (l.startsWith("COPY ") && !l.startsWith("COPY --")) {
        copied.add(l.split("\\s+")[1]);
      }
    }
    while (m.find()) {
      String module = m.group(1);
      assertThat(copied).as("module %s is copied into the build stage", module)
          .anyMatch(c -> module.equals(c) || module.startsWith(c + "/"));
    }
    assertThat(copied).contains("pom.xml");
  }

  @Test
  void dockerfileExposesThePortsTheConfigsAndTheModelServerUse() throws IOException {
    Set<Integer> exposed = new TreeSet<>();
    for (String l : dockerfileInstructions()) {
      if (l.startsWith("EXPOSE ")) {
        for (String p : l.substring(7).trim().split("\\s+")) {
          exposed.add(Integer.parseInt(p.replace("/tcp", "")));
        }
      }
    }
    Set<Integer> used = new TreeSet<>();
    for (VigilContainer c : vigilContainers()) {
      if (c.runs("demo", "serve")) {
        used.add(Integer.parseInt(c.option("--port")));
      } else {
        VigilConfig cfg = c.config();
        if (c.runs("agent")) {
          used.add(cfg.agent().listen().port());
          used.add(cfg.agent().admin().port());
        } else if (c.runs("monitor")) {
          used.add(cfg.monitor().admin().port());
        }
      }
    }
    String defaultServePort = VigilCli.newCommandLine().getSubcommands().get("demo").getSubcommands().get("serve")
        .getCommandSpec().findOption("--port").defaultValue();
    used.add(Integer.parseInt(defaultServePort));
    assertThat(exposed).as("Dockerfile EXPOSE vs ports the containers use").containsExactlyElementsOf(used);
  }

  // ================================================================ helpers

  /** The stage copies {@code jar} from the build stage and runs it with {@code java -jar} as a non-root user. */
  /** The instructions of stage {@code i}, its FROM included. */
  private static List<String> stage(List<String> lines, List<String> from, int i) {
    int end = i + 1 < from.size() ? lines.indexOf(from.get(i + 1)) : lines.size();
    return lines.subList(lines.indexOf(from.get(i)), end);
  }

  private static void assertStageRunsJar(List<String> stage, String jar) throws IOException {
    String copy = stage.stream().filter(l -> l.startsWith("COPY --from=")).findFirst().orElseThrow();
    String[] parts = copy.split("\\s+");
    assertThat(parts[2]).as("jar copied from the build stage").isEqualTo(jar);
    String entrypointLine = stage.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
    List<String> entrypoint = jsonArray(entrypointLine.substring("ENTRYPOINT".length()));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size())).containsExactly("-jar", parts[3]);
    assertThat(entrypoint).anyMatch(a -> a.startsWith("-XX:MaxRAMPercentage=")).contains("-XX:+ExitOnOutOfMemoryError");
    String user = stage.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow().substring(5).trim();
    assertThat(user.split(":")[0]).as("runtime USER").isNotIn("root", "0");
  }

  @FunctionalInterface
  private interface AdminGet {
    int get(String path, String authorization) throws Exception;
  }

  private static int getAgentAdmin(String path, String authorization) throws Exception {
    return get(agentAdminPort, path, authorization);
  }

  /**
   * deploy/prometheus/scrape-configs.yaml has a job for the container's admin port that sends the
   * bearer token from the Secret key the container's metricsToken reads, at a path the real admin
   * server answers with the token (and refuses without).
   */
  private static void assertScrapeJob(String jobName, VigilContainer c, int adminPort, AdminGet admin) throws Exception {
    JsonNode job = null;
    for (JsonNode j : documents(PROMETHEUS.resolve("scrape-configs.yaml")).get(0).path("scrape_configs")) {
      if (j.path("job_name").asText().equals(jobName)) {
        job = j;
      }
    }
    assertThat(job).as("scrape job %s", jobName).isNotNull();
    String path = job.path("metrics_path").asText("/metrics");
    assertThat(job.toString()).as("%s keeps the %s admin port", jobName, c.where()).contains("admin;" + adminPort);
    assertThat(job.path("authorization").path("type").asText("Bearer")).isEqualTo("Bearer");
    String file = job.path("authorization").path("credentials_file").asText();
    Matcher v = Pattern.compile("metricsToken: \\$\\{([A-Z_]+)}").matcher(configSection(c, c.runs("agent") ? "agent" : "monitor"));
    assertThat(v.find()).as("%s: admin.metricsToken reads a variable", c.where()).isTrue();
    assertThat(c.secretRefs()).as("%s: the token comes from the Secret", c.where()).containsKey(v.group(1));
    String secretAndKey = c.secretRefs().get(v.group(1)); // name/key: the Prometheus Operator mounts it as name/key
    assertThat(file).as("%s: Prometheus reads the same Secret key", jobName).endsWith("/" + secretAndKey);
    assertThat(admin.get(path, "Bearer " + METRICS_TOKEN)).as("%s GET %s with the token", jobName, path).isEqualTo(200);
    assertThat(admin.get(path, null)).as("%s GET %s without the token", jobName, path).isEqualTo(401);
  }

  /** The text of the container's mounted config from its top-level {@code section:} on. */
  private static String configSection(VigilContainer c, String section) {
    int at = c.configText().indexOf("\n" + section + ":");
    return at < 0 ? "" : c.configText().substring(at);
  }

  private static void assertAgentAdminServes(String path) throws Exception {
    assertThat(get(agentAdminPort, path)).as("agent admin GET %s", path).isEqualTo(200);
  }

  private static void assertMonitorAdminServes(String path) throws Exception {
    assertThat(get(monitorAdmin.port(), path)).as("monitor admin GET %s", path).isEqualTo(200);
  }

  private static int get(int port, String path) throws Exception {
    return get(port, path, null);
  }

  private static int get(int port, String path, String authorization) throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5));
    if (authorization != null) {
      req.header("Authorization", authorization);
    }
    return HTTP.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** A compose healthcheck is a bash /dev/tcp request: its port and path must be real. */
  private static void assertHealthcheckProbes(VigilContainer c, int adminPort) throws Exception {
    String test = c.node().path("healthcheck").path("test").toString();
    Matcher m = Pattern.compile("/dev/tcp/127\\.0\\.0\\.1/(\\d+).*GET (/\\S+) HTTP").matcher(test);
    assertThat(m.find()).as("%s: healthcheck %s", c.where(), test).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as("%s: healthcheck port", c.where()).isEqualTo(adminPort);
    if (c.runs("agent")) {
      assertAgentAdminServes(m.group(2));
    } else {
      assertMonitorAdminServes(m.group(2));
    }
  }

  /** The deploy module's folder, whether Maven runs from it or from the repository root. */
  static Path deployDir() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("docker")) ? here : here.resolve("deploy");
  }

  private static List<Path> yamlFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path dir : List.of(DOCKER, KUBERNETES)) {
      try (Stream<Path> s = Files.walk(dir)) {
        s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static List<JsonNode> documents(Path file) throws IOException {
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      List<JsonNode> docs = new ArrayList<>();
      while (it.hasNext()) {
        JsonNode d = it.next();
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          docs.add(d);
        }
      }
      return docs;
    }
  }

  private static List<JsonNode> kubernetes(String kind) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(KUBERNETES)) {
      for (Path f : s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        for (JsonNode d : documents(f)) {
          if (kind.equals(d.path("kind").asText())) {
            out.add(d);
          }
        }
      }
    }
    return out;
  }

  private static List<VigilContainer> vigilContainers() throws IOException {
    List<VigilContainer> all = new ArrayList<>(composeContainers());
    all.addAll(kubernetesContainers());
    return all;
  }

  private static boolean isVigilImage(JsonNode node) {
    return node.path("image").asText().startsWith("vigil:") || isAgentImage(node);
  }

  /** The sidecar's image runs vigil-agent.jar, whose command line is {@code vigil agent}'s. */
  private static boolean isAgentImage(JsonNode node) {
    return node.path("image").asText().startsWith("vigil-agent:");
  }

  /** A container's arguments as the all-in-one {@code vigil} command line reads them. */
  private static List<String> vigilArgs(JsonNode container, JsonNode args) {
    List<String> out = new ArrayList<>(strings(args));
    if (isAgentImage(container)) {
      out.add(0, "agent");
    }
    return out;
  }

  private static List<VigilContainer> composeContainers() throws IOException {
    JsonNode compose = documents(DOCKER.resolve("docker-compose.yaml")).get(0);
    List<VigilContainer> out = new ArrayList<>();
    for (var it = compose.path("services").fields(); it.hasNext(); ) {
      var service = it.next();
      JsonNode s = service.getValue();
      if (!isVigilImage(s)) {
        continue;
      }
      List<String> args = vigilArgs(s, s.path("command"));
      Map<String, String> env = new LinkedHashMap<>();
      for (String f : strings(s.path("env_file"))) {
        for (String line : Files.readAllLines(DOCKER.resolve(f))) {
          if (!line.isBlank() && !line.startsWith("#")) {
            int eq = line.indexOf('=');
            env.put(line.substring(0, eq).trim(), line.substring(eq + 1));
          }
        }
      }
      env.putAll(envOf(s));
      String configText = null;
      int i = args.indexOf("--config");
      if (i >= 0) {
        String target = args.get(i + 1);
        for (String v : strings(s.path("volumes"))) {
          String[] p = v.split(":");
          if (p.length >= 2 && p[1].equals(target) && p[0].startsWith("./")) {
            configText = Files.readString(DOCKER.resolve(p[0].substring(2)));
          }
        }
      }
      out.add(new VigilContainer("compose:" + service.getKey(), args, env, Map.of(), configText, s, compose));
    }
    return out;
  }

  private static List<VigilContainer> kubernetesContainers() throws IOException {
    Map<String, JsonNode> configMaps = new HashMap<>();
    for (JsonNode cm : kubernetes("ConfigMap")) {
      configMaps.put(cm.path("metadata").path("name").asText(), cm.path("data"));
    }
    Map<String, String> secretValues = new HashMap<>();
    for (JsonNode secret : kubernetes("Secret")) {
      String name = secret.path("metadata").path("name").asText();
      secret.path("stringData").fields().forEachRemaining(e -> secretValues.put(name + "/" + e.getKey(), e.getValue().asText()));
    }
    List<VigilContainer> out = new ArrayList<>();
    for (JsonNode d : kubernetes("Deployment")) {
      JsonNode pod = d.path("spec").path("template");
      for (JsonNode c : pod.path("spec").path("containers")) {
        if (!isVigilImage(c)) {
          continue;
        }
        List<String> args = vigilArgs(c, c.path("args"));
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> secretRefs = new LinkedHashMap<>();
        for (JsonNode e : c.path("env")) {
          String name = e.path("name").asText();
          JsonNode ref = e.path("valueFrom").path("secretKeyRef");
          if (ref.isObject()) {
            String key = ref.path("name").asText() + "/" + ref.path("key").asText();
            secretRefs.put(name, key);
            env.put(name, secretValues.getOrDefault(key, "<missing secret " + key + ">"));
          } else {
            env.put(name, e.path("value").asText());
          }
        }
        String where = "kubernetes:" + d.path("metadata").path("name").asText() + "/" + c.path("name").asText();
        out.add(new VigilContainer(where, args, env, secretRefs, configFromVolumes(args, c, pod, configMaps), c, pod));
      }
    }
    return out;
  }

  /** The ConfigMap entry mounted at the path given to --config, or null. */
  private static String configFromVolumes(List<String> args, JsonNode container, JsonNode pod, Map<String, JsonNode> configMaps) {
    int i = args.indexOf("--config");
    if (i < 0) {
      return null;
    }
    String target = args.get(i + 1);
    for (JsonNode mount : container.path("volumeMounts")) {
      String dir = mount.path("mountPath").asText();
      if (!target.startsWith(dir + "/")) {
        continue;
      }
      String file = target.substring(dir.length() + 1);
      for (JsonNode v : pod.path("spec").path("volumes")) {
        JsonNode cm = v.path("configMap");
        if (!v.path("name").asText().equals(mount.path("name").asText()) || !cm.isObject()) {
          continue;
        }
        String key = file;
        for (JsonNode item : cm.path("items")) {
          if (item.path("path").asText().equals(file)) {
            key = item.path("key").asText();
          }
        }
        JsonNode data = configMaps.get(cm.path("name").asText());
        return data == null || !data.has(key) ? null : data.path(key).asText();
      }
    }
    return null;
  }

  private static Map<String, String> envOf(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode e = service.path("environment");
    if (e.isObject()) {
      e.fields().forEachRemaining(f -> env.put(f.getKey(), f.getValue().asText()));
    } else {
      for (String s : strings(e)) {
        int eq = s.indexOf('=');
        env.put(s.substring(0, eq), s.substring(eq + 1));
      }
    }
    return env;
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else if (node.isTextual()) {
      out.add(node.asText());
    }
    return out;
  }

  /** Variable name -> whether it has a default; comments are left out, as the loader ignores them. */
  static Map<String, Boolean> variables(String yaml) {
    Map<String, Boolean> vars = new LinkedHashMap<>();
    for (String line : yaml.split("\n")) {
      String code = line.strip().startsWith("#") ? "" : line.replaceAll("\\s+#.*$", "");
      Matcher m = VAR.matcher(code);
      while (m.find()) {
        vars.merge(m.group(1), m.group(2) != null, Boolean::logicalAnd);
      }
    }
    return vars;
  }

  private static Map<String, Integer> containerPorts(JsonNode container) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (JsonNode p : container.path("ports")) {
      ports.put(p.path("name").asText(String.valueOf(p.path("containerPort").asInt())), p.path("containerPort").asInt());
    }
    return ports;
  }

  private static int resolvePort(JsonNode port, Map<String, Integer> named) {
    return port.isInt() ? port.asInt() : named.getOrDefault(port.asText(), -1);
  }

  private static Set<Integer> composeContainerPorts(JsonNode service) {
    Set<Integer> ports = new TreeSet<>();
    for (String p : strings(service.path("ports"))) {
      String[] parts = p.split(":");
      ports.add(Integer.parseInt(parts[parts.length - 1].replace("/tcp", "")));
    }
    return ports;
  }

  private static long preStopSleep(JsonNode container) {
    List<String> cmd = strings(container.path("lifecycle").path("preStop").path("exec").path("command"));
    assertThat(cmd).as("%s: preStop exec sleep N", container.path("name").asText()).hasSize(2).startsWith("sleep");
    return Long.parseLong(cmd.get(1));
  }

  private static long xmx(String options) {
    Matcher m = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)").matcher(options == null ? "" : options);
    assertThat(m.find()).as("-Xmx in %s", options).isTrue();
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase()) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      default -> n;
    };
  }

  /** Kubernetes memory quantity (Mi, Gi, M, G or bytes). */
  private static long quantity(String q) {
    long binary = Units.parseSize(q); // Ki, Mi, Gi: the config's own size parser
    if (binary >= 0) {
      return binary;
    }
    Matcher m = Pattern.compile("(\\d+)(k|M|G)?").matcher(q);
    assertThat(m.matches()).as("memory quantity %s", q).isTrue();
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "" : m.group(2);
    return switch (unit) {
      case "k" -> n * 1_000;
      case "M" -> n * 1_000_000;
      case "G" -> n * 1_000_000_000;
      default -> n;
    };
  }

  /** Compose durations as used here: 30s, 2m. */
  private static long composeDuration(String d) {
    Matcher m = Pattern.compile("(\\d+)([sm])").matcher(d);
    assertThat(m.matches()).as("compose duration %s", d).isTrue();
    return Long.parseLong(m.group(1)) * (m.group(2).equals("m") ? 60 : 1);
  }

  /** Dockerfile instructions, comments dropped and continuation lines joined. */
  private static List<String> dockerfileInstructions() throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(DOCKER.resolve("Dockerfile"))) {
      String t = line.strip();
      if (t.startsWith("#") || (t.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (t.endsWith("\\")) {
        current.append(t, 0, t.length() - 1).append(' ');
        continue;
      }
      current.append(t);
      out.add(current.toString());
      current.setLength(0);
    }
    return out;
  }

  /** The exec-form (JSON array) arguments of the last such instruction. */
  private static List<String> dockerfileJson(String instruction) throws IOException {
    String line = dockerfileInstructions().stream().filter(l -> l.startsWith(instruction + " ")).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("Dockerfile has no " + instruction));
    return jsonArray(line.substring(instruction.length()));
  }

  private static List<String> jsonArray(String text) throws IOException {
    return new ObjectMapper().readValue(text.trim(), new com.fasterxml.jackson.core.type.TypeReference<List<String>>() {});
  }

}
