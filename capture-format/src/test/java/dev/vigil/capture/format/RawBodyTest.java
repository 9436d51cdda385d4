package dev.vigil.capture.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RawBodyTest {
  private static boolean jdkAccepts(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void utf8CheckAgreesWithTheStrictJdkDecoder() {
    byte[][] cases = {
      {}, {'a'}, {(byte) 0xc3, (byte) 0xa9}, {(byte) 0xc3}, {(byte) 0xc0, (byte) 0x80}, {(byte) 0xc1, (byte) 0xbf},
      {(byte) 0xe0, (byte) 0x9f, (byte) 0x80}, {(byte) 0xe0, (byte) 0xa0, (byte) 0x80}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xed, (byte) 0x9f, (byte) 0xbf}, {(byte) 0xef, (byte) 0xbf, (byte) 0xbf}, {(byte) 0xf0, (byte) 0x8f, (byte) 0x80, (byte) 0x80},
      {(byte) 0xf0, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf4, (byte) 0x8f, (byte) 0xbf, (byte) 0xbf},
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xe2, (byte) 0x82}, {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', (byte) 0x80}, {(byte) 0xff},
    };
    for (byte[] c : cases) {
      assertThat(Utf8.isValid(c, 0, c.length)).as(java.util.Arrays.toString(c)).isEqualTo(jdkAccepts(c));
    }
    Random rnd = new Random(11);
    String sample = "plain ascii, caf\u00e9, \u4e2d\u6587, \ud83d\ude00 and more ascii text here";
    byte[] good = sample.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = java.util.Arrays.copyOfRange(good, rnd.nextInt(good.length), good.length);
      if (rnd.nextBoolean() && b.length > 0) {
        b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256); // one random byte anywhere
      }
      assertThat(Utf8.isValid(b, 0, b.length)).as(java.util.Arrays.toString(b)).isEqualTo(jdkAccepts(b));
    }
  }

  @Test
  void jsonTypedBodyWithRawControlBytesIsStoredAsBase64() {
    // Triton binary extension sent as application/json: a JSON header, then little-endian floats
    byte[] triton = "{\"inputs\":[]}\u0000\u0000\u0080?".getBytes(StandardCharsets.UTF_8);
    assertThat(RawBody.of("application/json", "INPUT", triton, true).encoding()).isEqualTo("BASE64");
    assertThat(RawBody.of("application/json", "INPUT", "{\"a\":\n\t1}".getBytes(StandardCharsets.UTF_8), true)
        .encoding()).isEqualTo("JSON");
  }

  @Test
  void textThatIsNotValidUtf8FallsBackToBase64() {
    byte[] cut = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
    cut = java.util.Arrays.copyOf(cut, cut.length - 1); // truncated mid-character
    assertThat(RawBody.of("application/json", "INPUT", cut, true).encoding()).isEqualTo("BASE64");
    assertThat(RawBody.of("text/csv", "INPUT", "1,2".getBytes(StandardCharsets.UTF_8), true).encoding()).isEqualTo("CSV");
    assertThat(RawBody.of("text/csv", "INPUT", "1,2".getBytes(StandardCharsets.UTF_8), false).encoding()).isEqualTo("BASE64");
  }

  @Test
  void refusesATextEncodingForBytesThatAreNotUtf8() {
    assertThatThrownBy(() -> new RawBody("application/json", "INPUT", new byte[] {(byte) 0xc3}, "JSON"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("valid UTF-8");
    assertThatThrownBy(() -> new RawBody(null, "IN", new byte[0], "JSON"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("INPUT or OUTPUT");
  }
}
