package dev.untrack.rom.axml;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** An element of a binary XML document, with its attributes and child elements (text nodes are dropped). */
public record XmlElement(String namespace, String name, List<XmlAttribute> attributes, List<XmlElement> children, int line) {

  /** The attribute with this framework resource id, or failing that, this local name in any namespace. */
  public Optional<XmlAttribute> attribute(int resourceId, String localName) {
    for (XmlAttribute a : attributes) {
      if (resourceId != 0 && a.resourceId() == resourceId) {
        return Optional.of(a);
      }
    }
    for (XmlAttribute a : attributes) {
      if (a.resourceId() == 0 && a.name().equals(localName)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** An attribute without namespace and resource id (such as {@code package} on {@code <manifest>}). */
  public Optional<XmlAttribute> plainAttribute(String name) {
    return attributes.stream()
        .filter(a -> (a.namespace() == null || a.namespace().isEmpty()) && a.name().equals(name))
        .findFirst();
  }

  public Stream<XmlElement> children(String name) {
    return children.stream().filter(c -> c.name().equals(name));
  }
}
