package dev.weft.config.load;

import dev.weft.config.model.Kind;
import dev.weft.config.read.MapReader;
import dev.weft.config.validate.SpecValidator;
import java.util.function.Function;

/**
 * How one kind is read and checked.
 *
 * @param reader reads the spec from the whole document (Istio kinds read {@code spec}; Kubernetes
 *     kinds such as ConfigMap keep data beside it)
 */
public record KindHandler<S>(Kind kind, Class<S> specType, Function<MapReader, S> reader, SpecValidator<S> validator) {

  /** An Istio kind: everything is under {@code spec}; a missing spec reads as an empty one. */
  public static <S> KindHandler<S> istio(Kind kind, Class<S> type, Function<MapReader, S> specParser, SpecValidator<S> validator) {
    return new KindHandler<>(kind, type, doc -> doc.specObject(specParser), validator);
  }
}
