package dev.vigil.cli.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  private final StringWriter out = new StringWriter();
  private final ProgressBar bar = new ProgressBar(new PrintWriter(out, true), 8);

  @Test
  void fillsProportionally() {
    assertThat(ProgressBar.render(1, 4, 8)).isEqualTo("[##......] 1/4");
    assertThat(ProgressBar.render(4, 4, 8)).isEqualTo("[########] 4/4");
    assertThat(ProgressBar.render(0, 0, 4)).as("nothing to do is done").isEqualTo("[####] 0/0");
  }

  @Test
  void redrawsInPlaceOnlyWhenTheBarGrows() {
    for (int done = 1; done <= 100; done++) {
      bar.update("reading", done, 100);
    }
    bar.end();
    String text = out.toString();
    // the empty bar at 1/100, then once per '#' (13, 25, 38, 50, 63, 75, 88, 100): 9 draws, not 100
    assertThat(text.chars().filter(c -> c == '\r').count()).isEqualTo(9);
    assertThat(text).endsWith("\rreading [########] 100/100" + System.lineSeparator());
  }

  @Test
  void aNewLabelFinishesThePreviousLine() {
    bar.update("epoch 1/2", 2, 2);
    bar.update("epoch 2/2", 1, 2);
    assertThat(out.toString()).isEqualTo("\repoch 1/2 [########] 2/2" + System.lineSeparator()
        + "\repoch 2/2 [####....] 1/2");
  }

  @Test
  void aShorterLineOverwritesALongerOne() {
    bar.update("", 1, 3, "a-long-layer-name");
    bar.update("", 2, 3, "fc");
    assertThat(out.toString()).endsWith("\r[#####...] 2/3 fc" + " ".repeat("a-long-layer-name".length() - 2));
  }

  @Test
  void endWithoutABarPrintsNothing() {
    bar.end();
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void widthMustBePositive() {
    assertThatThrownBy(() -> new ProgressBar(new PrintWriter(out), 0)).hasMessageContaining("at least 1");
  }
}
