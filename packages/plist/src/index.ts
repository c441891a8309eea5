// @atv/plist: property lists as Apple devices exchange them. Binary plists are read and
// written over bplist-parser/bplist-creator, with a structure check in front of the parser
// (it trusts its input); XML plists are read by a small strict reader.
export {
  type DecodePlistOptions,
  decodePlist,
  encodePlist,
  isXmlPlist,
  type PlistDictionary,
  type PlistInput,
  PlistReal,
  type PlistValue,
  plistDict,
  plistTypeName,
} from "./plist.js";
export { decodeAnyPlist, MAX_XML_PLIST_BYTES } from "./xml-plist.js";
