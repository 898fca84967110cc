package dev.weft.config.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.weft.config.yaml.YamlNode.Mapping;
import dev.weft.config.yaml.YamlNode.Scalar;
import dev.weft.config.yaml.YamlNode.ScalarType;
import dev.weft.config.yaml.YamlNode.Sequence;
import java.util.List;
import org.junit.jupiter.api.Test;

class YamlWriterTest {

  private static YamlNode read(String text) throws YamlSyntaxException {
    return new YamlReader().read(text).getFirst().root();
  }

  @Test
  void writesBlockStyleAndKeepsKeyOrder() throws Exception {
    String text = """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: gw
          labels: {app: x}
        spec:
          servers:
          - port: {number: 80, name: http, protocol: HTTP}
            hosts: ["*"]
        """;
    assertThat(YamlWriter.write(read(text))).isEqualTo("""
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata:
          name: gw
          labels:
            app: x
        spec:
          servers:
            - port:
                number: 80
                name: http
                protocol: HTTP
              hosts:
                - '*'
        """);
  }

  @Test
  void stringsThatWouldReadAsAnotherTypeAreQuoted() throws Exception {
    YamlNode node = read("""
        a: "8080"
        b: 'true'
        c: "null"
        d: 1.5
        e: yes
        f: ~
        g: 0x1F
        """);
    String out = YamlWriter.write(node);
    Mapping back = (Mapping) read(out);
    assertThat(back.get("a")).isEqualTo(new Scalar("8080", ScalarType.STRING, 1));
    assertThat(back.get("b")).isEqualTo(new Scalar("true", ScalarType.STRING, 2));
    assertThat(back.get("c")).isEqualTo(new Scalar("null", ScalarType.STRING, 3));
    assertThat(back.get("d")).isEqualTo(new Scalar("1.5", ScalarType.FLOAT, 4));
    assertThat(back.get("e")).isEqualTo(new Scalar("yes", ScalarType.STRING, 5)); // YAML 1.2 core: "yes" is a string
    assertThat(back.get("f")).isEqualTo(new Scalar("~", ScalarType.NULL, 6));
    assertThat(back.get("g")).isEqualTo(new Scalar("0x1F", ScalarType.INT, 7));
  }

  @Test
  void multiLineStringsRoundTrip() throws Exception {
    String pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    YamlNode node = new Mapping(List.of(
        new YamlNode.Entry("pem", 1, new Scalar(pem, ScalarType.STRING, 1)),
        new YamlNode.Entry("trailing", 2, new Scalar("x  \ny", ScalarType.STRING, 2)),
        new YamlNode.Entry("list", 3, new Sequence(List.of(), 3))), 1);
    Mapping back = (Mapping) read(YamlWriter.write(node));
    assertThat(((Scalar) back.get("pem")).value()).isEqualTo(pem);
    assertThat(((Scalar) back.get("trailing")).value()).isEqualTo("x  \ny");
    assertThat(back.get("list")).isInstanceOf(Sequence.class);
  }

  @Test
  void writeAllSeparatesDocuments() throws Exception {
    String out = YamlWriter.writeAll(List.of(read("a: 1"), read("b: 2")));
    assertThat(out).isEqualTo("a: 1\n---\nb: 2\n");
    assertThat(new YamlReader().read(out)).hasSize(2);
  }
}
