package dev.vigil.saliency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

  @TempDir
  Path dir;

  @Test
  void writesAndReadsFloat32Tensors() throws IOException {
    ImageTensor t = new ImageTensor(new float[] {1, -2.5f, 3, 4, 5, 6, 7, Float.MIN_VALUE}, 2, 1, 2, 2);
    Path f = dir.resolve("t.npy");
    Npy.write(f, t);
    byte[] bytes = Files.readAllBytes(f);
    assertThat((10 + (bytes[8] & 0xff)) % 64).as("header padded to 64 bytes").isZero();
    Npy.Array a = Npy.read(f);
    assertThat(a.shape()).containsExactly(2, 1, 2, 2);
    assertThat(a.dtype()).isEqualTo("<f4");
    assertThat(a.toImageTensor()).isEqualTo(t);
  }

  @Test
  void readsNumpyWrittenFloat32() throws IOException {
    Npy.Array golden = Npy.read(Path.of("src/test/resources/golden/resnet_small.input.npy"));
    assertThat(golden.shape()).containsExactly(2, 3, 32, 32);
    assertThat(golden.data()).hasSize(2 * 3 * 32 * 32);
  }

  @Test
  void readsFloat64AndIntegersAsFloat32() throws IOException {
    Path f64 = write("<f8", "(3,)", ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5)
        .putDouble(-1).putDouble(1e10).array());
    assertThat(Npy.read(f64).data()).containsExactly(0.5f, -1f, 1e10f);
    Path i64 = write("<i8", "(2, 1)", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(7).putLong(-3)
        .array());
    assertThat(Npy.read(i64).data()).containsExactly(7f, -3f);
    Path u8 = write("|u1", "(2,)", new byte[] {(byte) 255, 1});
    assertThat(Npy.read(u8).data()).containsExactly(255f, 1f);
    Path bigEndian = write(">f4", "(1,)", ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putFloat(2.5f).array());
    assertThat(Npy.read(bigEndian).data()).containsExactly(2.5f);
  }

  @Test
  void rejectsFilesThatAreNotNpy() throws IOException {
    Path f = dir.resolve("image.npy");
    Files.writeString(f, "\u0089PNG not an array");
    assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(IOException.class)
        .hasMessage(f + ": not a .npy file (missing the \\x93NUMPY magic); save it with numpy.save");
  }

  @Test
  void rejectsTruncatedData() throws IOException {
    Path f = write("<f4", "(1, 3, 2, 2)", new byte[20]);
    assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(IOException.class)
        .hasMessage(f + ": truncated data: shape [1, 3, 2, 2] of <f4 needs 48 bytes, file has 20");
  }

  @Test
  void rejectsFortranOrderAndUnknownTypes() throws IOException {
    Path fortran = writeHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]);
    assertThatThrownBy(() -> Npy.read(fortran)).hasMessageContaining("Fortran-ordered arrays are not supported");
    Path complex = write("<c8", "(1,)", new byte[8]);
    assertThatThrownBy(() -> Npy.read(complex)).hasMessageContaining("unsupported dtype <c8");
  }

  @Test
  void imageTensorsNeedRankFour() throws IOException {
    Path f = write("<f4", "(4,)", new byte[16]);
    assertThatThrownBy(() -> Npy.readImage(f)).isInstanceOf(IOException.class)
        .hasMessageContaining("expected an N x C x H x W array (rank 4) but the file holds shape [4]");
  }

  private Path write(String descr, String shape, byte[] data) throws IOException {
    return writeHeader("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
  }

  private Path writeHeader(String dict, byte[] data) throws IOException {
    byte[] header = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header)
        .put(data);
    Path f = Files.createTempFile(dir, "a", ".npy");
    Files.write(f, b.array());
    return f;
  }
}
