package dev.weft.config.networking.destinationrule;

import dev.weft.config.load.KindHandler;
import dev.weft.config.model.Kind;

/** Registration of DestinationRule with the loader. */
public final class DestinationRuleKind {
  public static final KindHandler<DestinationRule> HANDLER =
      KindHandler.istio(Kind.DESTINATION_RULE, DestinationRule.class, DestinationRuleParser::parse, new DestinationRuleValidator());

  private DestinationRuleKind() {}
}
