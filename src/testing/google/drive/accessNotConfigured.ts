import { HttpResponse } from 'msw'
import { googleErrorBody } from '../googleErrorBody.js'
import { googleCors } from '../googleJson.js'

const EMULATED_PROJECT = '123456789012'

/** Google's answer when the Drive API is not enabled in the OAuth client's Cloud project (newer bodies add details). */
export function accessNotConfigured(): Response {
  const activationUrl = `https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=${EMULATED_PROJECT}`
  const message = `Google Drive API has not been used in project ${EMULATED_PROJECT} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`
  const body = googleErrorBody(403, 'accessNotConfigured', message)
  body.error.errors[0]!.extendedHelp = activationUrl
  body.error.details = [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'SERVICE_DISABLED',
      domain: 'googleapis.com',
      metadata: {
        consumer: `projects/${EMULATED_PROJECT}`,
        service: 'drive.googleapis.com',
        activationUrl,
        serviceTitle: 'Google Drive API',
        containerInfo: EMULATED_PROJECT,
      },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Google developers console API activation', url: activationUrl }],
    },
  ]
  return HttpResponse.json(body, { status: 403, headers: googleCors })
}
