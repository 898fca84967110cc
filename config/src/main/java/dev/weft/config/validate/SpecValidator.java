package dev.weft.config.validate;

import dev.weft.config.model.Resource;

/** Istio's validation rules for one kind: checks a parsed spec and reports into {@code v}. */
@FunctionalInterface
public interface SpecValidator<S> {
  void validate(Resource<S> resource, Validation v);

  static <S> SpecValidator<S> none() {
    return (r, v) -> {};
  }
}
