/**
 * The virtual GATT link (chapter 10): the codec of its frames, link-control
 * messages and ATT PDUs. Pure and sans-IO: the reference device and app wrap
 * it around stdio and TCP.
 */
export { VglError, isVglError, type VglErrorCode, type VglFault, type VglReaction } from "./errors.js";
export {
  FRAME_LENGTH_MAX,
  FRAME_LENGTH_SIZE,
  FRAME_PAYLOAD_MAX,
  FrameDecoder,
  VGL_CHANNEL,
  encodeFrame,
  isVglChannel,
  type Frame,
  type FrameDecodeResult,
  type VglChannel,
} from "./frame.js";
export {
  DEVICE_NAME_MAX,
  DISCONNECT_REASON,
  LINK_OPCODE,
  VGL_VERSION,
  decodeLinkControl,
  encodeLinkControl,
  type LinkControl,
  type LinkControlDecodeResult,
} from "./link-control.js";
export {
  ATT_ERROR,
  ATT_MTU_MAX,
  ATT_MTU_MIN,
  ATT_OPCODE,
  type AttErrorResponse,
  type AttMethodKind,
  type AttPdu,
  type AttPduOf,
  type AttPduType,
  type CharacteristicEntry,
  type DescriptorEntry,
  type ServiceEntry,
} from "./att-pdu.js";
export { attMethodKind, attOpcodeOf, decodeAttPdu, encodeAttPdu, reactionTo, type AttDecodeResult } from "./att.js";
export { CCCD_UUID, CHARACTERISTIC_UUID, PRIMARY_SERVICE_UUID, type AttUuid } from "./uuid.js";
export { decodeVglFrame, encodeVglMessage, type VglMessage, type VglMessageDecodeResult } from "./message.js";
