package dev.vigil.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The sidecar's jar is shaded from this module's runtime class path, so what is absent here is
 * absent from {@code vigil-agent.jar}: the agent must not carry the monitor's laboratory.
 */
class LeanClasspathTest {

  @ParameterizedTest(name = "{0} is not on the agent's class path")
  @ValueSource(strings = {
      "ai.onnxruntime.OrtEnvironment",            // ONNX Runtime and its native libraries
      "dev.vigil.saliency.FullGradExplainer",
      "dev.vigil.monitor.WindowMonitor",
      "dev.vigil.alerts.Alerts",
      "dev.vigil.demo.signs.SignGenerator",
      "dev.vigil.stack.EmbeddedStack",            // the embedded servers
      "kafka.server.KafkaRaftServer",
      "org.gaul.s3proxy.S3Proxy",
      "com.icegreen.greenmail.util.GreenMail",
      "io.zonky.test.db.postgres.embedded.EmbeddedPostgres",
      "org.quartz.Scheduler",
      "org.jfree.chart.JFreeChart",
  })
  void heavyDependencyIsAbsent(String className) {
    assertThat(isPresent(className)).as(className).isFalse();
  }

  @ParameterizedTest(name = "{0} is on the agent's class path")
  @ValueSource(strings = {
      "dev.vigil.capture.agent.CaptureAgent",
      "org.apache.kafka.clients.producer.KafkaProducer",
      "software.amazon.awssdk.services.s3.S3Client",
      "io.netty.handler.codec.http.HttpServerCodec",
      "ch.qos.logback.classic.LoggerContext",
  })
  void whatTheAgentNeedsIsPresent(String className) {
    assertThat(isPresent(className)).as(className).isTrue();
  }

  private static boolean isPresent(String className) {
    try {
      Class.forName(className, false, LeanClasspathTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
