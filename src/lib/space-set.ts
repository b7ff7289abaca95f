/** A space-delimited set (a `response_type`), deduplicated and sorted so equal sets compare equal. */
export const spaceSet = (value: string): string => [...new Set(value.split(' ').filter(Boolean))].sort().join(' ')
