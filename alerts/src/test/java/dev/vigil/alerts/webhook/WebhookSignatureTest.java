package dev.vigil.alerts.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vigil.alerts.AlertContent;
import dev.vigil.alerts.Fixtures;
import dev.vigil.alerts.delivery.Alert;
import dev.vigil.alerts.delivery.Channel;
import dev.vigil.alerts.delivery.SendResult;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signed webhook requests as a receiver gets them: a real local HTTP server takes the POST, and the
 * signature is checked the way docs/configuration.md tells receivers to (recomputed here with a
 * plain JDK Mac, not with {@link WebhookSignature}); a fixed vector from Python's hmac module pins
 * the byte layout.
 */
class WebhookSignatureTest {
  private static final String SECRET = "whsec-test-0123456789";
  private static final long TOLERANCE_SECONDS = 300;

  record Received(String timestamp, String signature, String alertId, byte[] body) {}

  private HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Instant now = Instant.parse("2026-11-22T11:05:00Z");

  @BeforeEach
  void startReceiver() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", x -> {
      byte[] body = x.getRequestBody().readAllBytes();
      var h = x.getRequestHeaders();
      received.add(new Received(h.getFirst("X-Vigil-Timestamp"), h.getFirst("X-Vigil-Signature"),
          h.getFirst("X-Vigil-Alert-Id"), body));
      x.sendResponseHeaders(204, -1);
      x.close();
    });
    server.start();
  }

  @AfterEach
  void stopReceiver() {
    server.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  private static byte[] alertPayload(Channel channel) throws Exception {
    AlertContent content = Fixtures.content("signed", Fixtures.WINDOW_START, List.of(Fixtures.stopShare(0.805)), 1, "Stop");
    return channel.render(new Alert("0123456789abcdef01234567", Alert.Kind.ALERT, content, List.of(), Instant.EPOCH))
        .orElseThrow();
  }

  /** What a receiver does (docs/configuration.md, "Verifying webhook requests"). */
  private static boolean verify(String secret, Received r, Instant receivedAt) throws Exception {
    if (r.timestamp() == null || r.signature() == null || !r.signature().startsWith("v1=")) {
      return false;
    }
    long ts = Long.parseLong(r.timestamp());
    if (Math.abs(receivedAt.getEpochSecond() - ts) > TOLERANCE_SECONDS) {
      return false; // a replay of an old request
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((r.timestamp() + ".").getBytes(StandardCharsets.UTF_8));
    byte[] expected = HexFormat.of().formatHex(mac.doFinal(r.body())).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, r.signature().substring(3).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void aSignedRequestVerifiesAtTheReceiverAndATamperedOneDoesNot() throws Exception {
    Channel channel = WebhookChannel.forUrl(url(), SECRET, Clock.fixed(now, ZoneOffset.UTC));
    byte[] payload = alertPayload(channel);
    SendResult result = channel.send(payload);
    assertThat(result.status()).as(result.detail()).isEqualTo(SendResult.Status.ACCEPTED);

    assertThat(received).hasSize(1);
    Received r = received.get(0);
    assertThat(r.body()).isEqualTo(payload);
    assertThat(r.timestamp()).isEqualTo(Long.toString(now.getEpochSecond()));
    assertThat(r.signature()).matches("v1=[0-9a-f]{64}");
    assertThat(r.alertId()).isEqualTo("0123456789abcdef01234567");
    assertThat(verify(SECRET, r, now.plusSeconds(2))).as("receiver's check").isTrue();

    byte[] tampered = r.body().clone();
    tampered[tampered.length / 2] ^= 1;
    assertThat(verify(SECRET, new Received(r.timestamp(), r.signature(), r.alertId(), tampered), now)).isFalse();
    assertThat(verify("another-secret", r, now)).as("another secret").isFalse();
    assertThat(verify(SECRET, new Received(Long.toString(now.getEpochSecond() + 1), r.signature(), r.alertId(), r.body()),
        now)).as("the timestamp is signed too").isFalse();
    assertThat(verify(SECRET, r, now.plusSeconds(TOLERANCE_SECONDS + 1))).as("a replay after the tolerance").isFalse();
  }

  @Test
  void eachAttemptIsSignedAtItsOwnTime() throws Exception {
    Instant[] clockNow = {now};
    Clock moving = new Clock() {
      @Override
      public java.time.ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return clockNow[0];
      }
    };
    Channel channel = WebhookChannel.forUrl(url(), SECRET, moving);
    byte[] payload = alertPayload(channel);
    channel.send(payload);
    clockNow[0] = now.plusSeconds(3600); // a retry an hour later, from the outbox
    channel.send(payload);
    assertThat(received).hasSize(2);
    assertThat(received.get(1).timestamp()).isNotEqualTo(received.get(0).timestamp());
    assertThat(verify(SECRET, received.get(1), clockNow[0])).isTrue();
  }

  @Test
  void withoutASecretRequestsCarryNoSignature() throws Exception {
    Channel channel = WebhookChannel.forUrl(url());
    channel.send(alertPayload(channel));
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.signature()).isNull();
      assertThat(r.timestamp()).isNull();
    });
  }

  @Test
  void signatureMatchesPythonsHmacOnTheSameBytes() {
    // python3 -c 'import hmac,hashlib; print(hmac.new(b"whsec-test-0123456789",
    //   b"1795000000." + "{\"alertId\":\"0123456789abcdef01234567\",\"text\":\"café <Stop> & 80%\"}".encode(),
    //   hashlib.sha256).hexdigest())'
    byte[] body = "{\"alertId\":\"0123456789abcdef01234567\",\"text\":\"café <Stop> & 80%\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(WebhookSignature.sign(SECRET.getBytes(StandardCharsets.UTF_8), 1_795_000_000L, body))
        .isEqualTo("v1=5b9463600852746bac6c4e11687e00d8b08a81e26ec148824a884f8563929c5a");
  }
}
