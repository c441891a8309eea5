// @atv/plist: property lists as Apple devices exchange them. Binary plists are read and
// written over bplist-parser/bplist-creator, with a structure check in front of the parser
// (it trusts its input); XML plists are read by a small strict reader; NSKeyedArchiver
// archives are read along paths and written from object trees.
export {
  type ArchivedObject,
  type ArchiveValue,
  type EncodeKeyedArchiveOptions,
  encodeKeyedArchive,
  readArchiveProperties,
} from "./keyed-archive.js";
export {
  type DecodePlistOptions,
  decodePlist,
  encodePlist,
  isPlistDictionary,
  isXmlPlist,
  type PlistDictionary,
  type PlistInput,
  PlistReal,
  PlistUid,
  type PlistValue,
  plistDict,
  plistTypeName,
} from "./plist.js";
export { decodeAnyPlist, MAX_XML_PLIST_BYTES } from "./xml-plist.js";
