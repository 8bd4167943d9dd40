// The baseline: a Flex Interaction fetched the way Twilio's docs write it. Benchmarked, never deployed.
exports.handler = async function (context, event, callback) {
  const client = context.getTwilioClient();
  try {
    const interaction = await client.flexApi.v1.interaction(event.InteractionSid).fetch();
    return callback(null, interaction);
  } catch (error) {
    return callback(error);
  }
};
