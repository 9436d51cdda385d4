package dev.vigil.classes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelsTest {
  @TempDir Path dir;

  private Labels read(String text) throws Exception {
    return Labels.read(Files.writeString(dir.resolve("labels.txt"), text, StandardCharsets.UTF_8));
  }

  @Test
  void lineNumberMinusOneIsTheClassIndexAndLabelsAreStripped() throws Exception {
    Labels l = read("speed-30\n  yield \nstop");
    assertThat(l.names()).containsExactly("speed-30", "yield", "stop");
    assertThat(l.name(2)).isEqualTo("stop");
    assertThat(l.indexOf("yield")).isEqualTo(1);
    assertThat(l.indexOf("nope")).isEqualTo(-1);
  }

  @Test
  void trailingNewlineAndTrailingBlankLinesAreNotClasses() throws Exception {
    assertThat(read("a\nb\n").names()).containsExactly("a", "b");
    assertThat(read("a\nb\n\n  \n\n").names()).containsExactly("a", "b");
  }

  @Test
  void crlfAndAByteOrderMarkReadLikePlainLines() throws Exception {
    assertThat(read("\uFEFFa\r\nb\r\nc\r\n").names()).containsExactly("a", "b", "c");
    assertThat(read("a\rb").names()).containsExactly("a", "b");
  }

  @Test
  void anInnerBlankLineIsAnErrorNamingTheLineAndTheFix() throws Exception {
    assertThatThrownBy(() -> read("a\n\nc\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("labels.txt: line 2 is blank")
        .hasMessageContaining("delete the line or write the name of class 1 on it")
        .hasMessageNotContaining("\n");
    assertThatThrownBy(() -> read("a\r\n \r\nc\r\n")).hasMessageContaining("line 2 is blank");
    assertThatThrownBy(() -> read("\n\na")).hasMessageContaining("line 1 is blank");
  }

  @Test
  void aClassTheLabelsDoNotNameIsNamedByItsIndex() throws Exception {
    Labels l = read("a\nb\n");
    assertThat(l.name(1)).isEqualTo("b");
    assertThat(l.name(2)).isEqualTo("2");
    assertThat(l.name(-1)).isEqualTo("-1");
    assertThat(Labels.none().name(3)).isEqualTo("3").isEqualTo(Labels.unlabelled(3));
    assertThat(new ClassScore(3, null, 0.5).label()).isEqualTo("3");
  }

  @Test
  void anEmptyFileIsNoLabels() throws Exception {
    assertThat(read("")).isEqualTo(Labels.none());
    assertThat(read("\n\n")).isEqualTo(Labels.none());
  }

  @Test
  void missingAndNonUtf8FilesAreOneLineErrors() throws Exception {
    assertThatThrownBy(() -> Labels.read(dir.resolve("nope.txt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nope.txt does not exist");
    Path latin1 = Files.write(dir.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9});
    assertThatThrownBy(() -> Labels.read(latin1)).hasMessageContaining("is not UTF-8 text: save it as UTF-8");
  }

  @Test
  void listsFollowTheSameRule() {
    assertThat(Labels.of(List.of())).isSameAs(Labels.none());
    assertThat(Labels.of(List.of("a", "b")).name(5)).isEqualTo("5");
    assertThatThrownBy(() -> Labels.of(List.of("a", " "))).hasMessageContaining("label 1 is blank");
  }
}
