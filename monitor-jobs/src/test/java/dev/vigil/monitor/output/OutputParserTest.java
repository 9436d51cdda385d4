package dev.vigil.monitor.output;

import dev.vigil.classes.Labels;
import dev.vigil.config.OutputFormat;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OutputParserTest {
  private static final Labels SIGNS = Labels.of(List.of("speed-30", "yield", "stop", "no-entry"));

  private static List<Prediction> parse(OutputSpec spec, String body) throws OutputParseException {
    return new OutputParser(spec).parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsProbabilityArrayWithTopThreeAndEntropy() throws Exception {
    List<Prediction> p = parse(OutputSpec.of(OutputFormat.PROBABILITIES), "[0.1, 0.6, 0.05, 0.25]");
    assertThat(p).hasSize(1);
    assertThat(p.get(0).topClasses()).containsExactly(1, 3, 0);
    assertThat(p.get(0).topScores()).containsExactly(0.6, 0.25, 0.1);
    double h = -(0.1 * Math.log(0.1) + 0.6 * Math.log(0.6) + 0.05 * Math.log(0.05) + 0.25 * Math.log(0.25));
    assertThat(p.get(0).entropy()).isCloseTo(h, within(1e-12));
  }

  @Test
  void batchedProbabilityArraysYieldOnePredictionPerItem() throws Exception {
    List<Prediction> p = parse(OutputSpec.of(OutputFormat.PROBABILITIES), "[[0.9,0.1],[0.2,0.8],[0.5,0.5]]");
    assertThat(p).extracting(Prediction::top1Class).containsExactly(0, 1, 0);
  }

  @Test
  void readsTfServingPredictions() throws Exception {
    String body = "{\"predictions\": [[0.02, 0.03, 0.9, 0.05], [0.7, 0.1, 0.1, 0.1]]}";
    List<Prediction> p = parse(OutputSpec.of(OutputFormat.PREDICTIONS), body);
    assertThat(p).extracting(Prediction::top1Class).containsExactly(2, 0);
    assertThat(p.get(0).score(1)).isEqualTo(0.9);
  }

  @Test
  void readsPredictionObjectsByKnownFieldName() throws Exception {
    String body = "{\"predictions\": [{\"classes\": [\"a\"], \"probabilities\": [0.3, 0.7]}]}";
    assertThat(parse(OutputSpec.of(OutputFormat.PREDICTIONS), body).get(0).top1Class()).isEqualTo(1);
  }

  @Test
  void readsTritonV2OutputsWithShapeAndSoftmaxesLogits() throws Exception {
    String body = """
        {"model_name":"resnet18-gtsrb","model_version":"1","id":"42","parameters":{},
         "outputs":[{"name":"logits","datatype":"FP32","shape":[2,3],"data":[1.0,2.0,3.0,3.0,2.0,1.0]}]}""";
    List<Prediction> p = parse(new OutputSpec(OutputFormat.KSERVE_V2, null, true, null), body);
    assertThat(p).hasSize(2);
    double e = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertThat(p.get(0).top1Class()).isEqualTo(2);
    assertThat(p.get(0).score(1)).isCloseTo(Math.exp(3) / e, within(1e-12));
    assertThat(p.get(1).top1Class()).isEqualTo(0);
    assertThat(p.get(1).score(2)).isCloseTo(Math.exp(2) / e, within(1e-12));
  }

  @Test
  void kserveV2PointerPicksASecondOutput() throws Exception {
    String body = """
        {"outputs":[{"name":"embedding","shape":[1,2],"datatype":"FP32","data":[9,9]},
                    {"name":"probs","shape":[1,3],"datatype":"FP32","data":[[0.1,0.2,0.7]]}]}""";
    List<Prediction> p = parse(new OutputSpec(OutputFormat.KSERVE_V2, "/outputs/1", false, null), body);
    assertThat(p.get(0).top1Class()).isEqualTo(2);
  }

  @Test
  void kserveV2RejectsDataThatDoesNotMatchShape() {
    String body = "{\"outputs\":[{\"shape\":[2,3],\"data\":[1,2,3]}]}";
    assertThatThrownBy(() -> parse(OutputSpec.of(OutputFormat.KSERVE_V2), body))
        .isInstanceOf(OutputParseException.class)
        .hasMessageContaining("holds 6 values but data has 3");
  }

  @Test
  void readsTopKLabelsThroughTheLabelsFileAndSortsByScore() throws Exception {
    String body = "[{\"label\":\"yield\",\"score\":0.05},{\"label\":\"stop\",\"score\":0.91},{\"label\":\"no-entry\",\"score\":0.02}]";
    Prediction p = parse(new OutputSpec(OutputFormat.TOP_K, null, false, SIGNS), body).get(0);
    assertThat(p.topClasses()).containsExactly(2, 1, 3);
    assertThat(p.topScores()).containsExactly(0.91, 0.05, 0.02);
    assertThat(p.entropy()).isNaN();
  }

  @Test
  void readsBatchedTopKWithClassAndProbabilityKeys() throws Exception {
    String body = "{\"predictions\":[[{\"class\":14,\"probability\":0.8},{\"class\":3,\"probability\":0.1}],"
        + "[{\"class\":\"7\",\"probability\":0.6}]]}";
    List<Prediction> p = parse(OutputSpec.of(OutputFormat.TOP_K), body);
    assertThat(p).extracting(Prediction::top1Class).containsExactly(14, 7);
    assertThat(p.get(1).score(2)).isNaN();
  }

  @Test
  void topKWithAnUnknownLabelSaysToConfigureTheLabelsFile() {
    assertThatThrownBy(() -> parse(OutputSpec.of(OutputFormat.TOP_K), "[{\"label\":\"stop\",\"score\":0.9}]"))
        .isInstanceOf(OutputParseException.class)
        .hasMessageContaining("label 'stop' is not in the labels file")
        .hasMessageContaining("endpoints[].labels");
  }

  @Test
  void readsTheVectorAtAJsonPointer() throws Exception {
    String body = "{\"result\":{\"model\":\"x\",\"scores\":[[0.2,0.3,0.5]]}}";
    Prediction p = parse(new OutputSpec(OutputFormat.POINTER, "/result/scores/0", false, null), body).get(0);
    assertThat(p.top1Class()).isEqualTo(2);
  }

  @Test
  void pointerToNothingSaysWhere() {
    assertThatThrownBy(() -> parse(new OutputSpec(OutputFormat.POINTER, "/nope", false, null), "{\"a\":1}"))
        .hasMessageContaining("nothing at JSON Pointer /nope");
  }

  @Test
  void bareClassIndexCarriesNoConfidence() throws Exception {
    Prediction p = parse(OutputSpec.of(OutputFormat.CLASS_INDEX), "14").get(0);
    assertThat(p.top1Class()).isEqualTo(14);
    assertThat(p.hasConfidence()).isFalse();
    List<Prediction> batch =
        parse(new OutputSpec(OutputFormat.CLASS_INDEX, null, false, SIGNS), "{\"predictions\":[\"stop\", 1]}");
    assertThat(batch).extracting(Prediction::top1Class).containsExactly(2, 1);
  }

  @Test
  void rejectsAbsurdClassIndicesInsteadOfSizingArraysByThem() {
    assertThatThrownBy(() -> parse(OutputSpec.of(OutputFormat.CLASS_INDEX), "2147483647"))
        .isInstanceOf(OutputParseException.class).hasMessageContaining("outside [0, 100000)");
    assertThatThrownBy(() -> parse(OutputSpec.of(OutputFormat.TOP_K), "[{\"class\":-1,\"score\":0.9}]"))
        .isInstanceOf(OutputParseException.class);
  }

  @Test
  void rejectsBodiesThatAreNotJsonOrNotInTheFormat() {
    OutputParser probs = new OutputParser(OutputSpec.of(OutputFormat.PROBABILITIES));
    assertThatThrownBy(() -> probs.parse("<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> probs.parse("{\"error\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .hasMessageContaining("not a non-empty array of numbers");
    assertThatThrownBy(() -> probs.parse(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> parse(OutputSpec.of(OutputFormat.PREDICTIONS), "[0.5,0.5]"))
        .hasMessageContaining("no \"predictions\" field");
  }

  @Test
  void pointerFormatWithoutPointerIsAConfigError() {
    assertThatThrownBy(() -> new OutputSpec(OutputFormat.POINTER, null, false, null))
        .hasMessageContaining("output.pointer is empty");
  }
}
