package dev.vigil.monitor.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.config.DriftMethod;
import dev.vigil.monitor.report.ReportJson;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** constraints.json names the drift method as the YAML does, and reads hand-edited spellings. */
class ConstraintsJsonTest {
  private final ObjectMapper json = ReportJson.mapper();

  private static Constraints with(DriftMethod m) {
    return new Constraints(100, 0.5, 0.5, Map.of(), m, 0.1, 0.3, 0.1, 0.05);
  }

  @Test
  void writesTheConfigSpellingAndReadsItBack() throws Exception {
    for (DriftMethod m : DriftMethod.values()) {
      String text = json.writeValueAsString(with(m));
      assertThat(text).contains("\"driftMethod\" : \"" + m.configName() + "\"");
      assertThat(json.readValue(text, Constraints.class)).isEqualTo(with(m));
    }
    assertThat(DriftMethod.CHI_SQUARE.configName()).isEqualTo("chi-square");
    assertThat(DriftMethod.JENSEN_SHANNON.configName()).isEqualTo("jensen-shannon");
  }

  @Test
  void readsJavaNamesAnyCaseAndRejectsUnknownMethodsNamingTheChoices() throws Exception {
    String text = json.writeValueAsString(with(DriftMethod.LINF));
    for (String spelling : new String[] {"CHI_SQUARE", " Chi-Square ", "chi_square"}) {
      Constraints c = json.readValue(text.replace("\"linf\"", "\"" + spelling + "\""), Constraints.class);
      assertThat(c.driftMethod()).as(spelling).isEqualTo(DriftMethod.CHI_SQUARE);
    }
    assertThatThrownBy(() -> json.readValue(text.replace("\"linf\"", "\"kl\""), Constraints.class))
        .hasMessageContaining("unknown drift method 'kl', use one of linf | chi-square | jensen-shannon | psi");
  }
}
