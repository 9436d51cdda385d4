package dev.vigil.alerts.email;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.delivery.SendResult;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Implicit TLS with AUTH against a real SMTPS server (GreenMail) whose certificate for 127.0.0.1 is
 * generated for this test with keytool. (GreenMail offers no STARTTLS; the STARTTLS-required
 * refusal is covered in {@link AlertEmailTest}.)
 */
class SmtpTlsAuthTest {
  private static final String PASSWORD = "changeit";
  private static Path dir;
  private static GreenMail server;
  private static int port;
  private static SSLSocketFactory trusting;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("vigil-smtps");
    Path keystore = dir.resolve("smtps.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "greenmail", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
        "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
        "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
        .redirectErrorStream(true).redirectOutput(dir.resolve("keytool.log").toFile()).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(Files.readString(dir.resolve("keytool.log"))).isZero();
    System.setProperty("greenmail.tls.keystore.file", keystore.toString());
    System.setProperty("greenmail.tls.keystore.password", PASSWORD);
    System.setProperty("greenmail.tls.key.password", PASSWORD);

    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
    server.start();
    server.setUser("ops@example.com", "vigil", "s3cret");
    server.getUserManager().setAuthRequired(true);

    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      trust.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    trusting = ctx.getSocketFactory();
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.stop();
    }
    Fixtures.deleteRecursively(dir);
    System.clearProperty("greenmail.tls.keystore.file");
    System.clearProperty("greenmail.tls.keystore.password");
    System.clearProperty("greenmail.tls.key.password");
  }

  @BeforeEach
  void purge() throws Exception {
    server.purgeEmailFromAllMailboxes();
  }

  private static byte[] render(EmailChannel channel) throws Exception {
    AlertContent content = Fixtures.content("tls", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.805)), 1, "Stop");
    return channel.render(new Alert("00112233445566778899aabb", Alert.Kind.ALERT, content, List.of(),
        Instant.parse("2026-11-22T11:05:00Z"))).orElseThrow();
  }

  private static EmailChannel channel(String password, SSLSocketFactory factory) {
    return EmailChannel.create(new SmtpSettings("127.0.0.1", port, SmtpSettings.Tls.IMPLICIT, "vigil", password,
        Duration.ofSeconds(10)), "vigil@vigil.example", Recipients.of("ops@example.com"), 10_000_000, factory);
  }

  @Test
  void implicitTlsWithAuthDelivers() throws Exception {
    EmailChannel channel = channel("s3cret", trusting);
    SendResult result = channel.send(render(channel));
    assertThat(result.status()).as(result.detail()).isEqualTo(SendResult.Status.ACCEPTED);
    assertThat(server.getReceivedMessages()).hasSize(1);
    assertThat(server.getReceivedMessages()[0].getMessageID()).isEqualTo("<00112233445566778899aabb.alert@vigil.example>");
  }

  @Test
  void wrongPasswordIsRetriedNotSent() throws Exception {
    EmailChannel channel = channel("wrong", trusting);
    SendResult result = channel.send(render(channel));
    assertThat(result.status()).as(result.detail()).isEqualTo(SendResult.Status.RETRY);
    assertThat(result.detail()).contains("authentication failed");
    assertThat(server.getReceivedMessages()).isEmpty();
  }

  @Test
  void untrustedCertificateIsRetriedNotSent() throws Exception {
    EmailChannel channel = channel("s3cret", null); // the JVM's trust store does not know this certificate
    SendResult result = channel.send(render(channel));
    assertThat(result.status()).as(result.detail()).isEqualTo(SendResult.Status.RETRY);
    assertThat(server.getReceivedMessages()).isEmpty();
  }
}
