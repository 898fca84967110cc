package dev.weft.controlplane.registry;

/** Whether a service runs in the mesh (and speaks mTLS) or outside it: Istio's ServiceEntry.Location. */
public enum MeshLocation {
  MESH_EXTERNAL,
  MESH_INTERNAL
}
