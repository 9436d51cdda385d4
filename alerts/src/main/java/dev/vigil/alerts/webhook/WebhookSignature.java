package dev.vigil.alerts.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook request, Stripe's signed-payload scheme
 * (https://docs.stripe.com/webhooks#verify-manually) under Vigil's header names:
 * {@code X-Vigil-Timestamp: <unix seconds>} and {@code X-Vigil-Signature: v1=<hex>}, where hex is
 * HMAC-SHA256 keyed with {@code alerts.webhook.secret} over {@code timestamp + "." + body} (the
 * raw body bytes). Signing the timestamp lets a receiver refuse replays older than its tolerance
 * (5 minutes in the documented example); each retry is signed afresh.
 */
public final class WebhookSignature {
  /** Header carrying the signing time, Unix seconds. */
  public static final String TIMESTAMP_HEADER = "X-Vigil-Timestamp";
  /** Header carrying {@code v1=<hex>}. */
  public static final String SIGNATURE_HEADER = "X-Vigil-Signature";
  /** The scheme's version prefix. */
  public static final String VERSION = "v1";

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private WebhookSignature() {}

  /** {@code v1=<hex>} for {@code body} sent at {@code timestampSeconds}. */
  public static String sign(byte[] secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
      mac.update((byte) '.');
      byte[] digest = mac.doFinal(body);
      StringBuilder out = new StringBuilder(VERSION.length() + 1 + 2 * digest.length).append(VERSION).append('=');
      for (byte b : digest) {
        out.append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
      }
      return out.toString();
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is in every JDK", e);
    }
  }
}
