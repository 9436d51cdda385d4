package dev.vigil.saliency.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  static Path resource(String name) {
    try {
      return Path.of(ImageDecoderTest.class.getResource("/images/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] encode(BufferedImage image, String format) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, format, out)).as("writer for " + format).isTrue();
    return out.toByteArray();
  }

  @Test
  void truncatedPngMessageNamesTheFileAndTheProblem() {
    Path file = resource("truncated.png");
    assertThatThrownBy(() -> ImageDecoder.read(file))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessage(
            file
                + " is not a readable PNG/JPEG image (truncated?): Error reading PNG image data"
                + " (Unexpected end of ZLIB input stream)");
  }

  @Test
  void truncatedJpegIsAnErrorNotAHalfGreyImage() {
    Path file = resource("truncated.jpg");
    assertThatThrownBy(() -> ImageDecoder.read(file))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessageStartingWith(file + " is not a readable PNG/JPEG image (truncated?): ")
        .hasMessageContaining("premature end of data segment");
  }

  @Test
  void emptyFileMessageIsExact() {
    Path file = resource("empty.png");
    assertThatThrownBy(() -> ImageDecoder.read(file))
        .hasMessage(file + " is not a readable PNG/JPEG image (empty, 0 bytes)");
  }

  @Test
  void textFileMessageShowsTheFirstBytes() {
    Path file = resource("not-an-image.png");
    assertThatThrownBy(() -> ImageDecoder.read(file))
        .hasMessage(
            file
                + " is not a readable PNG/JPEG image (unrecognised format, starts with"
                + " 0x68 0x65 0x6C 0x6C; expected a PNG or JPEG file)");
  }

  @Test
  void hugeDeclaredSizeIsRefusedBeforeDecoding() throws IOException {
    // a valid 1 x 1 PNG whose header is patched to claim 50000 x 50000 pixels
    byte[] png = encode(new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY), "png");
    java.nio.ByteBuffer.wrap(png).putInt(16, 50_000).putInt(20, 50_000);
    assertThatThrownBy(() -> ImageDecoder.decode(png, "bomb.png"))
        .isInstanceOf(ImageDecodeException.class)
        .hasMessage("bomb.png declares 50000 x 50000 pixels, more than the 40000000 accepted:"
            + " downscale it first");
  }

  @Test
  void missingFileSaysSo() {
    assertThatThrownBy(() -> ImageDecoder.read(Path.of("no/such/input.png")))
        .hasMessage(Path.of("no/such/input.png") + " does not exist");
  }

  @Test
  void messagesAreOneLine() {
    for (String name : new String[] {"truncated.png", "truncated.jpg", "empty.png"}) {
      assertThatThrownBy(() -> ImageDecoder.read(resource(name)))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
  }

  @Test
  void grayscaleIsReplicatedWithoutGammaShift() throws IOException {
    BufferedImage gray = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_GRAY);
    gray.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 128, 255});
    DecodedImage d = ImageDecoder.decode(encode(gray, "png"), "g.png");
    assertThat(d.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x000000);
    assertThat(d.image().getRGB(1, 0) & 0xFFFFFF).isEqualTo(0x808080);
    assertThat(d.image().getRGB(2, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);
  }

  @Test
  void sixteenBitGrayAndRgbRoundTo8Bits() throws IOException {
    BufferedImage gray16 = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {128 * 257, 65535});
    DecodedImage g = ImageDecoder.decode(encode(gray16, "png"), "g16.png");
    assertThat(g.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x808080);
    assertThat(g.image().getRGB(1, 0) & 0xFFFFFF).isEqualTo(0xFFFFFF);

    ComponentColorModel cm =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
    raster.setPixel(0, 0, new int[] {65535, 32896, 0});
    BufferedImage rgb16 = new BufferedImage(cm, raster, false, null);
    DecodedImage c = ImageDecoder.decode(encode(rgb16, "png"), "c16.png");
    assertThat(c.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF8000);
  }

  @Test
  void alphaIsDroppedAndColourKept() throws IOException {
    BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
    argb.setRGB(0, 0, 0x40FF8020);
    DecodedImage d = ImageDecoder.decode(encode(argb, "png"), "a.png");
    assertThat(d.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF8020);
  }

  @Test
  void palettePngIsExpanded() throws IOException {
    IndexColorModel palette =
        new IndexColorModel(
            2, 2, new byte[] {(byte) 10, (byte) 200}, new byte[] {20, 100}, new byte[] {30, 0});
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
    indexed.getRaster().setSample(1, 0, 0, 1);
    DecodedImage d = ImageDecoder.decode(encode(indexed, "png"), "p.png");
    assertThat(d.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x0A141E);
    assertThat(d.image().getRGB(1, 0) & 0xFFFFFF).isEqualTo(0xC86400);
  }

  @Test
  void jpegDecodesCloseToTheOriginalColour() throws IOException {
    BufferedImage flat = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        flat.setRGB(x, y, 0x3366CC);
      }
    }
    DecodedImage d = ImageDecoder.decode(encode(flat, "jpg"), "f.jpg");
    int p = d.image().getRGB(8, 8);
    assertThat((p >> 16) & 0xFF).isBetween(0x33 - 4, 0x33 + 4);
    assertThat((p >> 8) & 0xFF).isBetween(0x66 - 4, 0x66 + 4);
    assertThat(p & 0xFF).isBetween(0xCC - 4, 0xCC + 4);
  }

  @Test
  void cmykJpegIsConvertedToRgb() {
    DecodedImage d = ImageDecoder.read(resource("cmyk.jpg"));
    assertThat(d.width()).isEqualTo(8);
    assertThat(d.height()).isEqualTo(8);
    int p = d.image().getRGB(3, 3);
    // equal cyan and magenta, no yellow: a neutral red = green, blue lowest
    assertThat((p >> 16) & 0xFF).isEqualTo((p >> 8) & 0xFF);
    assertThat(p & 0xFF).isLessThan((p >> 8) & 0xFF);
  }
}
