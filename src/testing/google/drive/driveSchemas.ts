import type { FieldSchema } from './projectFields.js'

// Drive v3 File resource field names (developers.google.com/drive/api/reference/rest/v3/files): a `fields` naming
// anything else is a 400 at Google.
const fileSchema: FieldSchema = Object.fromEntries(
  (
    'kind driveId fileExtension copyRequiresWriterPermission md5Checksum contentHints writersCanShare viewedByMe mimeType ' +
    'exportLinks parents thumbnailLink iconLink shared lastModifyingUser owners headRevisionId sharingUser webViewLink ' +
    'webContentLink size viewersCanCopyContent permissions hasThumbnail spaces folderColorRgb id name description starred ' +
    'trashed explicitlyTrashed createdTime modifiedTime modifiedByMeTime viewedByMeTime sharedWithMeTime quotaBytesUsed ' +
    'version originalFilename ownedByMe fullFileExtension properties appProperties isAppAuthorized teamDriveId ' +
    'capabilities hasAugmentedPermissions trashingUser thumbnailVersion trashedTime modifiedByMe permissionIds ' +
    'imageMediaMetadata videoMediaMetadata shortcutDetails contentRestrictions resourceKey linkShareMetadata labelInfo ' +
    'sha1Checksum sha256Checksum inheritedPermissionsDisabled downloadRestrictions'
  )
    .split(' ')
    .map((name) => [name, true as const]),
)
// Drive v3 About resource (developers.google.com/drive/api/reference/rest/v3/about).
const aboutSchema: FieldSchema = Object.fromEntries([
  ...(
    'kind storageQuota importFormats exportFormats maxImportSizes maxUploadSize appInstalled folderColorPalette ' +
    'driveThemes canCreateDrives canCreateTeamDrives teamDriveThemes'
  )
    .split(' ')
    .map((name) => [name, true as const]),
  ['user', { kind: true, displayName: true, photoLink: true, me: true, permissionId: true, emailAddress: true }],
])
const fileListSchema: FieldSchema = { kind: true, nextPageToken: true, incompleteSearch: true, files: fileSchema }
// Read-only (or settable only through other parameters, like addParents/removeParents) in files.update: 403.
const notWritableOnUpdate = new Set([
  'parents',
  'id',
  'kind',
  'size',
  'md5Checksum',
  'sha1Checksum',
  'sha256Checksum',
  'headRevisionId',
  'version',
  'spaces',
  'owners',
  'capabilities',
  'quotaBytesUsed',
  'webContentLink',
  'webViewLink',
  'iconLink',
  'thumbnailLink',
  'fileExtension',
  'fullFileExtension',
  'ownedByMe',
  'shared',
  'trashedTime',
  'trashingUser',
  'driveId',
  'teamDriveId',
])

/** Field schemas of Drive v3's resources (for `fields` projection) and the fields files.update refuses to write. */
export const driveSchemas = { file: fileSchema, fileList: fileListSchema, about: aboutSchema, notWritableOnUpdate }
